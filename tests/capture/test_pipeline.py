"""The 3-D pipeline on a short window (30 frames × 4 cameras) of the real Pose2Sim demo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

from kinetrace.capture.cameras import load_calibration
from kinetrace.capture.detect import CameraPose
from kinetrace.capture.pipeline import run_capture, solve
from kinetrace.capture.result import CaptureResult
from kinetrace.errors import InputError

FRAMES = 30


@pytest.fixture(scope="module")
def captured(videos: list[Path], qca: Path, tmp_path_factory: pytest.TempPathFactory) -> CaptureResult:
    out = tmp_path_factory.mktemp("capture") / "trial"
    return run_capture(videos, qca, "hip_rotation", out, max_frames=FRAMES)


def test_outputs_are_written(captured: CaptureResult) -> None:
    names = {p.name for p in captured.outputs.values()}
    assert {"markers.trc", "ik.mot", "frames.parquet", "summary.json", "findings.yaml", "angles.png",
            "stick_figure.png", "model_scaled.osim"} <= names
    for p in captured.outputs.values():
        assert p.is_file() and p.stat().st_size > 0
    table = pq.read_table(captured.outputs["frames_parquet"])
    assert table.num_rows == FRAMES
    assert table.schema.metadata[b"kinetrace.method"] == b"multi_camera_3d"
    assert "hip_rotation_right_deg" in table.column_names and "reprojection_px" in table.column_names


def test_accuracy_figures_hold_on_real_footage(captured: CaptureResult) -> None:
    assert captured.median_reprojection_px < 15.0
    assert float(np.median(captured.marker_rms_m)) < 0.02
    still = captured.summary["angles"]
    assert still["hip_rotation_left"]["still_sd_deg"] < 3.0
    assert still["hip_rotation_right"]["still_sd_deg"] < 3.0


def test_findings_carry_the_method_and_error(captured: CaptureResult) -> None:
    doc = yaml.safe_load(captured.outputs["findings"].read_text())
    entry = doc["findings"]["hip_ir_seated"]
    assert entry["method"] == "multi_camera_3d" and entry["uncertainty"] > 0
    assert isinstance(entry["left"], float) and isinstance(entry["right"], float)


def _poses(captured: CaptureResult, videos: list[Path], qca: Path) -> tuple[list, list[CameraPose]]:
    from kinetrace.capture.detect import detect_camera

    cams = load_calibration(qca)
    return cams, [detect_camera(v, list(range(FRAMES)), 60.0, name=c.name) for v, c in zip(videos, cams, strict=True)]


def test_gates_name_themselves(captured: CaptureResult, videos: list[Path], qca: Path, tmp_path: Path) -> None:
    cams, poses = _poses(captured, videos, qca)
    with pytest.raises(InputError, match="gate movement_is_test: this is not a overhead_reach"):
        solve(cams, poses, 60.0, "overhead_reach", tmp_path)
    blind = CameraPose(poses[1].name, poses[1].xy, np.zeros_like(poses[1].vis), poses[1].width_px, poses[1].height_px)
    with pytest.raises(InputError, match="gate camera_sees_person: camera cam02 finds the person in 0%"):
        solve(cams, [poses[0], blind, *poses[2:]], 60.0, "hip_rotation", tmp_path)
    swapped = [cams[1], cams[0], cams[3], cams[2]]  # videos paired with the wrong cameras
    with pytest.raises(InputError, match="gate reprojection"):
        solve(swapped, poses, 60.0, "hip_rotation", tmp_path)
