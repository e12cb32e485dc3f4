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
