"""The posture validation harness runs from a fresh clone: the synthetic part must pass within 0.1°."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from posture_media import REPO


def test_synthetic_validation_passes_and_writes_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "posture.csv"
    out = subprocess.run([sys.executable, "-m", "validation.posture", "--synthetic-only", "--csv", str(csv_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "(a) Synthetic" in out.stdout and "FAIL" not in out.stdout
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("part,metric") and len(rows) == 17  # header + 16 metric rows


def test_real_footage_triangulation_agrees_with_the_calibration() -> None:
    # The DLT of the four cameras must reproject close to the detections on quiet early frames.
    sys.path.insert(0, str(REPO))
    from validation.pose2sim import demo_dir, detect_video, load_qca, triangulate_robust

    d = demo_dir()
    cams = load_qca(d / "calibration" / "Calib.qca.txt")
    frames = {c.name: detect_video(d / "videos" / f"{c.name}.mp4", max_frames=3, model="lite") for c in cams}
    used = 0
    for name in ("left_hip", "right_hip", "left_shoulder", "right_shoulder"):
        pts, ws = [], []
        for c in cams:
            f = frames[c.name][2]
            lm = f.landmarks[name]
            pts.append((lm.x_norm * f.image_width_px, lm.y_norm * f.image_height_px))
            ws.append(lm.visibility)
        X, err, n = triangulate_robust(cams, pts, ws)
        assert X is not None and err < 20.0 and n >= 2
        assert 600.0 < X[2] < 1700.0  # hips and shoulders between 0.6 and 1.7 m above the lab floor
        used += n
    assert used >= 10


def test_writing_one_models_errors_keeps_the_other_models_and_takes_the_worse_knee_side(tmp_path: Path) -> None:
    import math

    import yaml

    sys.path.insert(0, str(REPO))
    from validation.posture import Row, write_errors

    def row(metric: str, view: str, bias: float, sd: float) -> Row:
        return Row("real", metric, view, 20, "deg", bias, sd, bias - 1.96 * sd, bias + 1.96 * sd, 1.0, 1.0, 2.0, "")

    # left: little scatter but a large bias (total 8.54); right: more scatter, no bias (total 5.0)
    rows = [row(f"standing_knee_frontal_angle ({s})", part, b, sd) for s, b, sd in (("left", 8.0, 3.0),
                                                                                   ("right", 0.0, 5.0))
            for part in ("total", "total, gates passed", "detection")]
    path = tmp_path / "errors.yaml"
    write_errors(rows, [], "frames 0-11", path, model="heavy")
    write_errors([row("pelvic_obliquity_angle", p, 1.0, 2.0) for p in ("total", "total, gates passed")], [],
                 "frames 0-11", path, model="full")
    data = yaml.safe_load(path.read_text())
    assert data["schema"] == "kinetrace.posture_errors/2" and list(data["models"]) == ["heavy", "full"]
    knee = data["models"]["heavy"]["metrics"]["standing_knee_frontal_angle"]
    assert knee["error"] == round(math.hypot(8.0, 3.0), 2)  # the worse side by total error, not by SD
    assert data["models"]["full"]["command"] == "python -m validation.posture --write-errors --model full --mode image"
    assert "pelvic_obliquity_angle" in data["models"]["full"]["metrics"]
