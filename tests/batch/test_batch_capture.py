"""`kinetrace batch --manifest` with a `capture` column: a real 3-D trial per case, findings multi_camera_3d.

Four short real clips of the Pose2Sim demo cameras and the demo's Qualisys calibration sit beside the manifest;
the batch runs the whole capture pipeline on a worker process and merges the 3-D findings into the case's
assessment. The first 10 frames show quiet standing (pelvic tilt and obliquity); the first 30 frames filed as
`hip_rotation` show a standing person, so they give no seated hip-rotation finding and the record says why.
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
STANDING_FRAMES = 10  # cam01 frames 0–9: the subject stands still (the pelvis-travel gate passes)


def _demo() -> Path:
    d = Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "media" / "pose2sim" / "Demo_SinglePerson"
    assert (d / "calibration" / "Calib.qca.txt").is_file(), f"{d} is missing: run scripts/setup.d/40-media.sh"
    return d


def _run(tmp_path: Path, frames: int, test: str) -> dict:  # type: ignore[type-arg]
    """Batch one case with a capture of the first `frames` demo frames filed as `test`; return its record."""
    demo = _demo()
    clips = [
        write_clip(demo / "videos" / f"cam0{i}.mp4", tmp_path / f"cam0{i}.mp4", frames=frames) for i in range(1, 5)
    ]
    shutil.copy(demo / "calibration" / "Calib.qca.txt", tmp_path / "Calib.qca.txt")
    case = shutil.copy(ROOT / "examples" / "seed_003_hip_ir_rotation.yaml", tmp_path / "hip.yaml")
    manifest = tmp_path / "day.csv"
    manifest.write_text(
        "case,capture\n" + f"{Path(case).name}," + "+".join(c.name for c in clips) + f"@Calib.qca.txt:{test}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kinetrace",
            "batch",
            "--manifest",
            str(manifest),
            "--out",
            str(out),
            "--workers",
            "1",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 ok, 0 failed" in proc.stderr and "Traceback" not in proc.stderr
    (line,) = (out / "assessments.jsonl").read_text(encoding="utf-8").splitlines()
    record: dict = json.loads(line)  # type: ignore[type-arg]
    assert record["status"] == "ok"
    return record


def test_batch_runs_the_capture_pipeline_and_records_3d_findings(tmp_path: Path) -> None:
    record = _run(tmp_path, STANDING_FRAMES, "standing")
    measured = [f for f in record["assessment"]["findings"] if f.get("method") == "multi_camera_3d"]
    assert measured, record["assessment"]["findings"]
    (tilt,) = [f for f in measured if f["test_id"] == "pelvic_tilt_sagittal"]
    assert tilt["source"] == "multi-camera 3-D capture (4 cameras, standing)"
    assert isinstance(tilt["value"], float) and tilt["uncertainty"] > 0
    assert tilt["targets"] and all(t["state"] for t in tilt["targets"])  # the 3-D finding reached the reasoning


def test_batch_hip_rotation_of_a_standing_person_records_why_no_finding(tmp_path: Path) -> None:
    record = _run(tmp_path, FRAMES, "hip_rotation")
    assert not [f for f in record["assessment"]["findings"] if f.get("method") == "multi_camera_3d"]
    assert any(
        w.startswith("3-D capture (hip_rotation): No hip_ir_seated finding: the person was standing")
        for w in record.get("media_warnings", [])
    ), record.get("media_warnings")
