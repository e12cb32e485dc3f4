"""`kinetrace batch --manifest` with a `capture` column: a real 3-D trial per case, findings multi_camera_3d.

Four short real clips (the first 30 frames of the Pose2Sim demo cameras) and the demo's Qualisys calibration sit
beside the manifest; the batch runs the whole capture pipeline on a worker process and merges the 3-D findings
into the case's assessment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.capture.capture_media import write_clip

ROOT = Path(__file__).resolve().parents[2]
FRAMES = 30


def _demo() -> Path:
    d = Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "media" / "pose2sim" / "Demo_SinglePerson"
    assert (d / "calibration" / "Calib.qca.txt").is_file(), f"{d} is missing: run scripts/setup.d/40-media.sh"
    return d


def test_batch_runs_the_capture_pipeline_and_records_3d_findings(tmp_path: Path) -> None:
    demo = _demo()
    clips = [write_clip(demo / "videos" / f"cam0{i}.mp4", tmp_path / f"cam0{i}.mp4", frames=FRAMES)
             for i in range(1, 5)]
    shutil.copy(demo / "calibration" / "Calib.qca.txt", tmp_path / "Calib.qca.txt")
    case = shutil.copy(ROOT / "examples" / "seed_003_hip_ir_rotation.yaml", tmp_path / "hip.yaml")
    manifest = tmp_path / "day.csv"
    manifest.write_text("case,capture\n" + f"{Path(case).name},"
                        + "+".join(c.name for c in clips) + "@Calib.qca.txt:hip_rotation\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "kinetrace", "batch", "--manifest", str(manifest), "--out", str(out),
                           "--workers", "1", "--no-progress"], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "1 ok, 0 failed" in proc.stderr and "Traceback" not in proc.stderr
    (line,) = (out / "assessments.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["status"] == "ok"
    measured = [f for f in record["assessment"]["findings"] if f.get("method") == "multi_camera_3d"]
    assert measured, record["assessment"]["findings"]
    (hip,) = [f for f in measured if f["test_id"] == "hip_ir_seated"]
    assert hip["source"] == "multi-camera 3-D capture (4 cameras, hip_rotation)"
    assert isinstance(hip["left"], float) and isinstance(hip["right"], float) and hip["uncertainty"] > 0
    assert hip["targets"] and all(t["state"] for t in hip["targets"])  # the 3-D finding reached the reasoning
