"""Fixtures for motion-capture import tests (file writers live in motion_files.py)."""

from __future__ import annotations

import pytest
from motion_files import Point, standing_skeleton


@pytest.fixture
def skeleton() -> dict[str, Point]:
    """The hand-built standing skeleton (see motion_files.py for the hand-worked values)."""
    return standing_skeleton()
