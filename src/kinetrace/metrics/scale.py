"""Real-world scale for photo measurements: mm per pixel from the person's height or a known distance.

Stature in pixels is estimated from eye height above the floor (heels or toes): eye height is a fixed
fraction of stature (catalogue `anthropometry`). The same estimate gives body-proportional units
(% of stature) when no scale is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kinetrace.errors import InputError
from kinetrace.metrics.catalogue import Catalogue
from kinetrace.metrics.pose import PoseFrame

__all__ = ["Scale", "scale_from_distance", "scale_from_height", "stature_px"]


@dataclass(frozen=True, slots=True)
class Scale:
    """Millimetres per pixel at the person's plane, and how it was obtained."""

    mm_per_px: float
    basis: str


def stature_px(frame: PoseFrame, catalogue: Catalogue, *, roll_deg: float = 0.0) -> float | None:
    """Return the estimated standing height in pixels, or None if the eyes or the feet are not visible.

    Heights are measured along the true vertical (the image vertical turned by `roll_deg`).
    """
    vis = catalogue.quality.min_visibility
    lms = frame.landmarks
    eyes = [n for n in ("left_eye", "right_eye") if n in lms and lms[n].visibility >= vis]
    feet = [
        n
        for n in ("left_heel", "right_heel", "left_foot_index", "right_foot_index")
        if n in lms and lms[n].visibility >= vis
    ]
    if not eyes or not feet:
        return None
    t = math.radians(roll_deg)
    up = np.array([math.sin(t), -math.cos(t)])  # the true "up" in image pixels (y down)

    def height(name: str) -> float:
        return float(np.dot(np.array(frame.point_px(name)), up))

    eye_h = float(np.mean([height(n) for n in eyes]))
    floor_h = min(height(n) for n in feet)
    span = eye_h - floor_h
    if span <= 0:
        return None
    return span / catalogue.anthropometry.eye_height_fraction


def scale_from_height(
    frame: PoseFrame, height_cm: float, catalogue: Catalogue, *, roll_deg: float = 0.0
) -> Scale | None:
    """Return a scale from the person's height, or None when stature cannot be seen in this frame.

    Raises:
        InputError: if `height_cm` is outside 50–250.
    """
    if not 50.0 <= height_cm <= 250.0:
        raise InputError("height_cm", height_cm, "a standing height between 50 and 250 cm")
    px = stature_px(frame, catalogue, roll_deg=roll_deg)
    if px is None:
        return None
    return Scale(mm_per_px=height_cm * 10.0 / px, basis=f"height {height_cm:g} cm (eyes-to-floor estimate)")


def scale_from_distance(a_px: tuple[float, float], b_px: tuple[float, float], distance_mm: float) -> Scale:
    """Return a scale from two image points a known distance apart (e.g. marks on a wall behind the person).

    Raises:
        InputError: if the distance is not positive or the points coincide.
    """
    if distance_mm <= 0:
        raise InputError("distance_mm", distance_mm, "a positive distance in mm")
    px = math.dist(a_px, b_px)
    if px < 1.0:
        raise InputError("scale points", [a_px, b_px], "two points at least 1 pixel apart")
    return Scale(mm_per_px=distance_mm / px, basis=f"known distance {distance_mm:g} mm")
