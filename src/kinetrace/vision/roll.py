"""Camera roll estimated from long near-vertical lines in the background (door frames, walls, poles).

Only an estimate: a camera tilted up or down makes true verticals converge, so Kinetrace reports this value
as a flag and corrects only from a vertical reference the user gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kinetrace.metrics.pose import PoseFrame

__all__ = ["RollEstimate", "estimate_roll"]

_WORK_PX = 640  # analyse a copy this long on its longest side
_MAX_LEAN_DEG = 12.0  # lines leaning more than this are not taken as verticals
_MIN_LINES = 3


@dataclass(frozen=True, slots=True)
class RollEstimate:
    """Median lean (degrees, + = top leans clockwise/right) of the near-vertical lines found, and their count."""

    roll_deg: float
    n_lines: int


def estimate_roll(rgb: np.ndarray, person: PoseFrame | None = None) -> RollEstimate | None:
    """Return the roll suggested by background verticals, or None if fewer than three were found."""
    import cv2

    h, w = rgb.shape[:2]
    f = _WORK_PX / max(h, w)
    small = cv2.resize(rgb, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(gray, 60, 180)
    if person is not None:  # the body is not a vertical reference
        xs = [lm.x_norm for lm in person.landmarks.values()]
        ys = [lm.y_norm for lm in person.landmarks.values()]
        sh, sw = edges.shape
        x0, x1 = int(max(0.0, min(xs) - 0.05) * sw), int(min(1.0, max(xs) + 0.05) * sw)
        y0, y1 = int(max(0.0, min(ys) - 0.1) * sh), int(min(1.0, max(ys) + 0.05) * sh)
        edges[y0:y1, x0:x1] = 0
    min_len = edges.shape[0] // 6
    lines = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=40, minLineLength=min_len, maxLineGap=5)
    if lines is None:
        return None
    leans = []
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):
        top, bottom = ((x1, y1), (x2, y2)) if y1 < y2 else ((x2, y2), (x1, y1))
        lean = float(np.degrees(np.arctan2(top[0] - bottom[0], bottom[1] - top[1])))
        if abs(lean) <= _MAX_LEAN_DEG:
            leans.append(lean)
    if len(leans) < _MIN_LINES:
        return None
    return RollEstimate(roll_deg=float(np.median(leans)), n_lines=len(leans))
