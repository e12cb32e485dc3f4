"""Camera roll estimated from long near-vertical lines in the background (door frames, walls, poles).

Only an estimate: a camera tilted up or down makes true verticals converge, so Kinetrace reports this value
as a flag and corrects only from a vertical reference the user gives. The line search
(`near_vertical_segments`) needs no landmarks, so it can run while the pose model works; `roll_from_segments`
then drops the lines on the person's body.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kinetrace.metrics.pose import PoseFrame

__all__ = ["RollEstimate", "estimate_roll", "near_vertical_segments", "roll_from_segments"]

_WORK_PX = 320          # analyse a copy this long on its longest side
_MAX_LEAN_DEG = 12.0    # lines leaning more than this are not taken as verticals
_MIN_LINES = 3


@dataclass(frozen=True, slots=True)
class RollEstimate:
    """Median lean (degrees, + = top leans clockwise/right) of the near-vertical lines found, and their count."""

    roll_deg: float
    n_lines: int


def near_vertical_segments(rgb: np.ndarray) -> np.ndarray:
    """Return long line segments within 12° of vertical as rows (x0, y0, x1, y1, lean_deg), normalised coords."""
    import cv2

    h, w = rgb.shape[:2]
    f = _WORK_PX / max(h, w)
    sw, sh = max(1, int(w * f)), max(1, int(h * f))
    small = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), 60, 180)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=32, minLineLength=sh // 6, maxLineGap=5)
    if lines is None:
        return np.zeros((0, 5))
    seg = np.asarray(lines, dtype=float).reshape(-1, 4)
    top_first = seg[:, 1] <= seg[:, 3]
    tx = np.where(top_first, seg[:, 0], seg[:, 2])
    ty = np.where(top_first, seg[:, 1], seg[:, 3])
    bx = np.where(top_first, seg[:, 2], seg[:, 0])
    by = np.where(top_first, seg[:, 3], seg[:, 1])
    lean = np.degrees(np.arctan2(tx - bx, by - ty))
    keep = np.abs(lean) <= _MAX_LEAN_DEG
    out: np.ndarray = np.column_stack([tx / sw, ty / sh, bx / sw, by / sh, lean])[keep]
    return out


def roll_from_segments(segments: np.ndarray, person: PoseFrame | None = None) -> RollEstimate | None:
    """Median lean of the segments that do not touch the person's box; None if fewer than three remain."""
    if person is not None and len(segments):
        xs = [lm.x_norm for lm in person.landmarks.values()]
        ys = [lm.y_norm for lm in person.landmarks.values()]
        x0, x1 = min(xs) - 0.05, max(xs) + 0.05
        y0, y1 = min(ys) - 0.1, max(ys) + 0.05
        mid_x = (segments[:, 0] + segments[:, 2]) / 2
        inside = (mid_x > x0) & (mid_x < x1) & (segments[:, 3] > y0) & (segments[:, 1] < y1)
        segments = segments[~inside]
    if len(segments) < _MIN_LINES:
        return None
    return RollEstimate(roll_deg=float(np.median(segments[:, 4])), n_lines=len(segments))


def estimate_roll(rgb: np.ndarray, person: PoseFrame | None = None) -> RollEstimate | None:
    """Return the roll suggested by background verticals, or None if fewer than three were found."""
    return roll_from_segments(near_vertical_segments(rgb), person)
