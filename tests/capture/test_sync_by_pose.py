"""Sync by 3-D agreement of 2-D poses on the real, hardware-synchronised Pose2Sim demo (true offsets 0).

The frame-difference cross-correlation gave cam03/cam04 −0.92 s / −0.78 s on these clips; sync by pose must find
0 ± 1 frame, or say that its evidence is weak, and never print a confident wrong offset.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from capture_media import write_clip

from kinetrace.capture.cameras import load_calibration
from kinetrace.capture.detect import CameraPose
from kinetrace.capture.pipeline import run_capture
from kinetrace.capture.sync import align_poses, detect_for_sync, pose_sync_offsets
from kinetrace.cli.app import main
from kinetrace.errors import InputError

WINDOW = 40  # frames posed per camera: a short real window keeps CI fast
MAX_LAG_S = 0.25
CUT = 6  # frames cut from the start of cam04 for the known-offset check


@pytest.fixture(scope="module")
def posed(videos: list[Path], qca: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, list, float]:
    """One pose pass per clip: the four demo cameras and a copy of cam04 that starts CUT frames later."""
    cut = write_clip(videos[3], tmp_path_factory.mktemp("sync") / "cam04_cut.mp4", start=CUT, frames=WINDOW)
    cams = load_calibration(qca)
    poses, fps = detect_for_sync([*videos, cut], [*cams, cams[3]], frames=WINDOW)
    return cams, poses, fps


def test_demo_offsets_are_zero_or_flagged_weak(posed: tuple[list, list, float]) -> None:
    cams, poses, fps = posed
    rows = pose_sync_offsets(cams, poses[:4], fps, max_lag_s=MAX_LAG_S)
    assert rows["cam01"]["offset_frames"] == 0
    confident = [n for n, r in rows.items() if r["confident"] and n != "cam01"]
    assert len(confident) >= 2, rows  # the evidence is strong for most cameras
    for name in confident:
        assert abs(rows[name]["offset_frames"]) <= 1, (name, rows[name])  # 0 ± 1 frame
        assert rows[name]["reprojection_px"] < 15.0 and rows[name]["contrast"] >= 0.15
    for row in rows.values():  # a weak camera is marked, never a confident wrong offset
        assert row["confident"] or row["contrast"] < 0.15 or row["reprojection_px"] > 15.0


def test_a_known_cut_is_found(posed: tuple[list, list, float]) -> None:
    cams, poses, fps = posed
    shifted: list[CameraPose] = [*poses[:3], poses[4]]
    rows = pose_sync_offsets(cams, shifted, fps, max_lag_s=MAX_LAG_S)
    cut = rows[poses[4].name]
    assert cut["confident"], cut
    assert abs(cut["offset_frames"] + CUT) <= 1, cut  # events come CUT frames earlier in the cut clip


def test_a_still_window_is_weak_evidence(posed: tuple[list, list, float]) -> None:
    cams, poses, fps = posed
    frozen = [CameraPose(p.name, p.xy[:1].repeat(WINDOW, axis=0), p.vis[:1].repeat(WINDOW, axis=0), p.width_px,
                         p.height_px) for p in poses[:4]]
    rows = pose_sync_offsets(cams, frozen, fps, max_lag_s=MAX_LAG_S)
    assert not any(r["confident"] for n, r in rows.items() if n != "cam01"), rows


def test_cli_sync_by_pose_refuses_weak_evidence_in_one_line(videos: list[Path], qca: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # On this window cam03's best offset (+3 frames) is not clearly better than the others: the command shows
    # every offset with its evidence, marks cam03 and refuses instead of saving an offset it cannot back.
    out = tmp_path / "sync.json"
    with pytest.raises(SystemExit) as exit_info:
        main(["capture", "sync", *map(str, videos), "--calibration", str(qca), "--frames", str(WINDOW),
              "--max-lag", str(MAX_LAG_S), "--out", str(out)])
    assert exit_info.value.code == 2  # noqa: PLR2004
    captured = capsys.readouterr()
    assert captured.err.startswith("Error: sync: the offset of cam03.mp4") and captured.err.count("\n") == 1
    assert "cam04.mp4: offset +0.000 s (+0 frames)" in captured.out and "[weak evidence]" in captured.out
    assert "Traceback" not in captured.err and not out.exists()


def test_cli_sync_by_pose_needs_the_calibration_of_these_cameras(videos: list[Path], qca: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["capture", "sync", *map(str, videos[:2]), "--calibration", str(qca)])
    assert exit_info.value.code == 2  # noqa: PLR2004
    assert "calibration: holds 4 cameras" in capsys.readouterr().err


def test_align_poses_cuts_to_the_common_frames(posed: tuple[list, list, float]) -> None:
    _cams, poses, _fps = posed
    aligned = align_poses([poses[0], poses[4]], [0, -CUT])  # cam04_cut starts CUT frames late
    assert len(aligned[0].vis) == len(aligned[1].vis) == WINDOW - CUT
    np.testing.assert_array_equal(aligned[0].xy, poses[0].xy[CUT:])
    np.testing.assert_array_equal(aligned[1].xy, poses[4].xy[:WINDOW - CUT])


def test_pipeline_auto_sync_reuses_its_poses_and_refuses_weak_evidence(videos: list[Path], qca: Path,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "trial"
    with pytest.raises(InputError, match=r"^--sync: auto: the offset of cam03 \(3 frames") as info:
        run_capture(videos, qca, "hip_rotation", out, sync="auto", max_frames=30)
    assert "\n" not in str(info.value) and not out.exists()
