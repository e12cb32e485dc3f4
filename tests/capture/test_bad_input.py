"""Bad input to the 3-D pipeline on real files: one clear line, exit status 2, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from capture_media import write_clip

from kinetrace.cli.app import main


def _refused(args: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert not out.exists()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    return lines[0]


def test_one_camera_only(videos: list[Path], qca: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    line = _refused(["movement", str(videos[0]), "--calibration", str(qca), "--test", "hip_rotation",
                     "--out", str(out)], out, capsys)
    assert "videos" in line and "two or more" in line


def test_several_videos_without_calibration(videos: list[Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    line = _refused(["movement", str(videos[0]), str(videos[1]), "--test", "hip_rotation", "--out", str(out)],
                    out, capsys)
    assert "--calibration" in line


def test_mismatched_frame_rates_without_sync(videos: list[Path], qca: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    slow = write_clip(videos[1], tmp_path / "cam02_30fps.mp4", frames=20, fps=30.0)
    out = tmp_path / "out"
    line = _refused(["movement", str(videos[0]), str(slow), str(videos[2]), str(videos[3]), "--calibration",
                     str(qca), "--test", "hip_rotation", "--out", str(out)], out, capsys)
    assert "frame rates differ" in line and "30 fps" in line and "capture sync" in line


def test_calibration_of_other_cameras(videos: list[Path], qca: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    line = _refused(["movement", str(videos[0]), str(videos[1]), "--calibration", str(qca), "--test",
                     "hip_rotation", "--out", str(out)], out, capsys)
    assert "holds 4 cameras" in line and "2 videos" in line
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[2] / ".cache"))
    other = cache / "media" / "sports2d" / "Demo" / "demo.mp4"  # a different, landscape camera
    line = _refused(["movement", str(other), str(videos[1]), str(videos[2]), str(videos[3]), "--calibration",
                     str(qca), "--test", "hip_rotation", "--out", str(out)], out, capsys)
    assert "camera cam01 is 1088×1920 px but demo.mp4 is" in line


def test_unknown_3d_test_and_missing_video(videos: list[Path], qca: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    line = _refused(["movement", *map(str, videos), "--calibration", str(qca), "--test", "seated_hip_ir",
                     "--out", str(out)], out, capsys)
    assert "--test" in line and "hip_rotation" in line
    line = _refused(["movement", str(videos[0]), str(tmp_path / "nope.mp4"), "--calibration", str(qca), "--test",
                     "hip_rotation", "--out", str(out)], out, capsys)
    assert "nope.mp4" in line
