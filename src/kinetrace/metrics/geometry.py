"""Plane geometry on 2-D points (numpy only): angles, signed deviations, rotations.

Points are `numpy` arrays `[x, y]` in a **y-up** frame (image y flipped), so angles are counter-clockwise
positive as in mathematics. `to_y_up` converts image pixels (y down) into this frame.

>>> round(line_angle_deg(np.array([0.0, 0.0]), np.array([4.0, 3.0])), 4)   # 3-4-5 triangle
36.8699
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "angle_at_deg",
    "bend_angle_deg",
    "inclination_deg",
    "line_angle_deg",
    "midpoint",
    "rotate",
    "to_y_up",
]


def to_y_up(x_px: float, y_px: float) -> np.ndarray:
    """Return an image point (pixels, y down) as a y-up point `[x, -y]`."""
    return np.array([float(x_px), -float(y_px)])


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the midpoint of two points."""
    out: np.ndarray = (np.asarray(a, dtype=float) + np.asarray(b, dtype=float)) / 2.0
    return out


def line_angle_deg(start: np.ndarray, end: np.ndarray) -> float:
    """Angle of the vector start→end from the +x axis, in degrees within (-180, 180]."""
    d = np.asarray(end, dtype=float) - np.asarray(start, dtype=float)
    return math.degrees(math.atan2(d[1], d[0]))


def inclination_deg(lower: np.ndarray, upper: np.ndarray, *, forward: float) -> float:
    """Angle of the line lower→upper from the vertical, + when `upper` lies in the `forward` (±1) direction.

    >>> inclination_deg(np.array([0.0, 0.0]), np.array([1.0, 1.0]), forward=1.0)
    45.0
    """
    d = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    return math.degrees(math.atan2(forward * d[0], d[1]))


def angle_at_deg(a: np.ndarray, vertex: np.ndarray, b: np.ndarray) -> float:
    """Unsigned angle a–vertex–b in degrees, within [0, 180]."""
    u = np.asarray(a, dtype=float) - np.asarray(vertex, dtype=float)
    v = np.asarray(b, dtype=float) - np.asarray(vertex, dtype=float)
    cross = u[0] * v[1] - u[1] * v[0]
    return abs(math.degrees(math.atan2(cross, float(np.dot(u, v)))))


def bend_angle_deg(proximal: np.ndarray, joint: np.ndarray, distal: np.ndarray) -> float:
    """Signed deviation of the distal segment from the proximal segment extended, in degrees (-180, 180].

    0 for a straight limb; + when the limb turns counter-clockwise at the joint (y-up frame).

    >>> bend_angle_deg(np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    45.0
    """
    u = np.asarray(joint, dtype=float) - np.asarray(proximal, dtype=float)
    v = np.asarray(distal, dtype=float) - np.asarray(joint, dtype=float)
    cross = u[0] * v[1] - u[1] * v[0]
    return math.degrees(math.atan2(cross, float(np.dot(u, v))))


def rotate(points: np.ndarray, angle_deg: float, *, centre: np.ndarray) -> np.ndarray:
    """Rotate points (N×2 or a single [x, y]) counter-clockwise by `angle_deg` about `centre`."""
    t = math.radians(angle_deg)
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    pts = np.asarray(points, dtype=float)
    c = np.asarray(centre, dtype=float)
    out: np.ndarray = (pts - c) @ rot.T + c
    return out
