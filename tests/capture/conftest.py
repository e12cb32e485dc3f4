"""Real Pose2Sim demo media for the 3-D capture tests (scripts/setup.d/40-media.sh and 45-capture-media.sh)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _demo() -> Path:
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[2] / ".cache"))
    d = cache / "media" / "pose2sim" / "Demo_SinglePerson"
    if not (d / "calibration" / "Calib.qca.txt").is_file():
        raise RuntimeError(f"{d} is missing: run scripts/setup.d/40-media.sh (scripts/test-all does)")
    return d


@pytest.fixture(scope="session")
def demo() -> Path:
    """The Pose2Sim single-person demo folder (4 cameras, Qualisys calibration)."""
    return _demo()


@pytest.fixture(scope="session")
def videos(demo: Path) -> list[Path]:
    """The four real demo videos, cam01…cam04."""
    return [demo / "videos" / f"cam0{i}.mp4" for i in range(1, 5)]


@pytest.fixture(scope="session")
def qca(demo: Path) -> Path:
    """The demo's Qualisys calibration file."""
    return demo / "calibration" / "Calib.qca.txt"


@pytest.fixture(scope="session")
def checkerboards(demo: Path) -> Path:
    """Folder of real checkerboard images per camera (scripts/setup.d/45-capture-media.sh)."""
    d = demo / "calibration" / "intrinsics"
    if not (d / "int_cam01_img").is_dir():
        raise RuntimeError(f"{d} is missing: run scripts/setup.d/45-capture-media.sh (scripts/test-all does)")
    return d
