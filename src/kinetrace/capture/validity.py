"""Measurement error of the 3-D angles (degrees), reported with every 3-D finding as its `uncertainty`.

Source: `python -m validation.capture` on the real Pose2Sim 4-camera demo (2026-12-04): the median RMS difference
between each three-camera result and the four-camera result over the trial (leave-one-camera-out), rounded up.
This is agreement between camera sets, not accuracy against marker-based motion capture (no such reference trial
ships with any registry package); treat it as a lower bound of the true error.
"""

from __future__ import annotations

__all__ = ["MEASUREMENT_ERROR_DEG"]

MEASUREMENT_ERROR_DEG: dict[str, float] = {
    "hip_rotation": 15.0,       # leave-one-out median 12.3° (left) / 15.0° (right)
    "pelvic_tilt": 7.0,         # 6.6°
    "pelvic_obliquity": 9.0,    # 8.3°
    "thoracic_rotation": 10.0,  # 9.5°
    "trunk_extension": 5.0,     # 4.6°
}
