"""Validated measurement error of the 3-D angles (degrees), from `python -m validation.capture` on the Pose2Sim
4-camera demo (leave-one-camera-out spread, rounded up). Reported with every finding as its `uncertainty`."""

from __future__ import annotations

__all__ = ["MEASUREMENT_ERROR_DEG"]

MEASUREMENT_ERROR_DEG: dict[str, float] = {
    "hip_rotation": 5.0,
    "pelvic_tilt": 4.0,
    "pelvic_obliquity": 3.0,
    "thoracic_rotation": 5.0,
    "trunk_extension": 4.0,
}
