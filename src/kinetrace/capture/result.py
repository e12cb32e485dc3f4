"""The result of one 3-D capture trial."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CaptureResult"]


@dataclass
class CaptureResult:
    """Everything the 3-D pipeline measured; `outputs` maps a kind to the file written.

    `findings` holds only knowledge-base tests whose protocol the trial showed (`capture.protocols`); `notes` says
    in plain words why any other test, or a side of one, was not reported.
    """

    test: str
    cameras: list[str]
    fps: float
    frames: int
    median_reprojection_px: float
    frame_reprojection_px: np.ndarray
    still_window: tuple[int, int]
    still_speed_m_s: float
    marker_rms_m: np.ndarray
    angles: dict[str, np.ndarray]
    summary: dict[str, Any]
    findings: dict[str, dict[str, Any]]
    points_m: np.ndarray
    timings_s: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # why a knowledge-base test or side was not reported
