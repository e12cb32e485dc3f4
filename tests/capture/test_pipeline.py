"""The 3-D pipeline on a short window (30 frames × 4 cameras) of the real Pose2Sim demo.

The demo person stands and moves about; they never sit and never rotate a hip to end range. So a `hip_rotation`
or `trunk_rotation` trial of it must give no seated knowledge-base finding (hip_ir_seated,
thoracic_rotation_seated), with the reason, while its first 10 frames (quiet standing) give the standing findings.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml
from capture_media import write_clip

from kinetrace.capture.cameras import load_calibration
from kinetrace.capture.detect import CameraPose
from kinetrace.capture.pipeline import run_capture, solve
from kinetrace.capture.result import CaptureResult
from kinetrace.cli.app import main
from kinetrace.errors import InputError

FRAMES = 30
STANDING_FRAMES = 10  # cam01 frames 0–9: the subject stands still before moving off


@pytest.fixture(scope="module")
def captured(videos: list[Path], qca: Path, tmp_path_factory: pytest.TempPathFactory) -> CaptureResult:
    out = tmp_path_factory.mktemp("capture") / "trial"
    return run_capture(videos, qca, "hip_rotation", out, max_frames=FRAMES)


@pytest.fixture(scope="module")
def standing(videos: list[Path], qca: Path, tmp_path_factory: pytest.TempPathFactory) -> CaptureResult:
    out = tmp_path_factory.mktemp("capture") / "standing"
    return run_capture(videos, qca, "standing", out, max_frames=STANDING_FRAMES, plots=False)


def test_outputs_are_written(captured: CaptureResult) -> None:
    names = {p.name for p in captured.outputs.values()}
    assert {
        "markers.trc",
        "ik.mot",
        "frames.parquet",
        "summary.json",
        "findings.yaml",
        "angles.png",
        "stick_figure.png",
        "model_scaled.osim",
    } <= names
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


def test_standing_findings_carry_the_method_and_error(standing: CaptureResult) -> None:
    doc = yaml.safe_load(standing.outputs["findings"].read_text())
    assert set(doc["findings"]) == {"pelvic_tilt_sagittal", "pelvic_obliquity_angle"}
    for entry in doc["findings"].values():
        assert entry["method"] == "multi_camera_3d" and entry["uncertainty"] > 0
        assert entry["source"] == "multi-camera 3-D capture (4 cameras, standing)"
        assert isinstance(entry["value"], float)
    assert standing.notes == []


def test_standing_demo_gives_no_seated_hip_finding_and_says_why(captured: CaptureResult) -> None:
    """The web app once said "hip IR seated L 17.7°, R −10.6° → limited" from this standing trial."""
    assert captured.findings == {}
    reason = next(n for n in captured.notes if n.startswith("No hip_ir_seated finding: "))
    assert "the person was standing (hip flexion L" in reason
    assert "the seated hip-rotation test needs sitting with hips at about 90° (hip flexion at least 60°)" in reason
    doc = yaml.safe_load(captured.outputs["findings"].read_text())
    assert doc["findings"] == {}
    assert reason in captured.outputs["findings"].read_text()  # the file says why it is empty
    summary = json.loads(captured.outputs["summary"].read_text())
    assert summary["knowledge_base"] == {"findings": [], "notes": captured.notes}
    assert summary["angles"]["hip_rotation_left"]["range_deg"] >= 15.0  # the angles are kept all the same
    assert summary["angles"]["hip_flexion_right"]["still_mean_deg"] < 60.0


@pytest.fixture(scope="module")
def posed(videos: list[Path], qca: Path) -> tuple[list, list[CameraPose]]:  # type: ignore[type-arg]
    from kinetrace.capture.detect import detect_camera

    cams = load_calibration(qca)
    return cams, [detect_camera(v, list(range(FRAMES)), 60.0, name=c.name) for v, c in zip(videos, cams, strict=True)]


def test_trunk_rotation_of_the_standing_demo_gives_no_seated_thoracic_finding(
    posed: tuple[list, list[CameraPose]],
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    cams, poses = posed
    result = solve(cams, poses, 60.0, "trunk_rotation", tmp_path)  # the shoulders do turn 20° against the hips
    assert result.findings == {}
    [reason] = [n for n in result.notes if n.startswith("No thoracic_rotation_seated finding: ")]
    assert "the person was standing" in reason and "seated (lumbar-locked) thoracic-rotation test" in reason


def test_cli_prints_why_no_seated_finding_was_made(
    videos: list[Path], qca: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clips = [write_clip(v, tmp_path / v.name, frames=FRAMES) for v in videos]
    out = tmp_path / "trial"
    with pytest.raises(SystemExit) as exc:
        main(["movement", *map(str, clips), "--calibration", str(qca), "--test", "hip_rotation", "--out", str(out)])
    assert exc.value.code == 0  # the capture itself worked: its angles and files are written
    printed = capsys.readouterr().out
    assert "No hip_ir_seated finding: the person was standing (hip flexion L" in printed
    assert "No knowledge-base finding from this hip rotation trial" in printed
    assert "knowledge-base findings" not in printed
    assert yaml.safe_load((out / "findings.yaml").read_text())["findings"] == {}
    assert (out / "summary.json").is_file() and (out / "frames.parquet").is_file()


def test_gates_name_themselves(posed: tuple[list, list[CameraPose]], tmp_path: Path) -> None:  # type: ignore[type-arg]
    cams, poses = posed
    with pytest.raises(InputError, match="gate movement_is_test: this is not a overhead_reach"):
        solve(cams, poses, 60.0, "overhead_reach", tmp_path)
    blind = CameraPose(poses[1].name, poses[1].xy, np.zeros_like(poses[1].vis), poses[1].width_px, poses[1].height_px)
    with pytest.raises(InputError, match="gate camera_sees_person: camera cam02 finds the person in 0%"):
        solve(cams, [poses[0], blind, *poses[2:]], 60.0, "hip_rotation", tmp_path)
    swapped = [cams[1], cams[0], cams[3], cams[2]]  # videos paired with the wrong cameras
    with pytest.raises(InputError, match="gate reprojection"):
        solve(swapped, poses, 60.0, "hip_rotation", tmp_path)
