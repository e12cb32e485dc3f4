#!/usr/bin/env bash
# 3-D capture test media: the Pose2Sim demo's real checkerboard images (intrinsics, 4 cameras × 7 images, 7 MB),
# taken from the Pose2Sim wheel (BSD-3-Clause) that 40-media.sh already downloaded. Idempotent.
set -euo pipefail
KT_CACHE="${KT_CACHE:-$PWD/.cache}"
MEDIA="$KT_CACHE/media"
DEST="$MEDIA/pose2sim/Demo_SinglePerson/calibration/intrinsics"
STAMP="$DEST/.complete-v1"
[ -f "$STAMP" ] && { echo "capture media: cached in $DEST"; exit 0; }
WHEEL="$(ls "$MEDIA"/wheels/pose2sim-*.whl 2>/dev/null | head -1 || true)"
[ -n "$WHEEL" ] || { echo "capture media: run 40-media.sh first (no Pose2Sim wheel in $MEDIA/wheels)" >&2; exit 1; }
python3 - "$WHEEL" "$DEST" <<'PYEOF'
import pathlib, shutil, sys, zipfile
wheel, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
prefix = "Pose2Sim/Demo_SinglePerson/calibration/intrinsics/"
with zipfile.ZipFile(wheel) as zf:
    for info in zf.infolist():
        if info.is_dir() or not info.filename.startswith(prefix) or not info.filename.endswith(".jpg"):
            continue
        target = dest / info.filename[len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
PYEOF
touch "$STAMP"
echo "capture media: checkerboard images in $DEST"
