"""Quality gates of the 3-D pipeline; a refusal names its gate (`InputError` field `gate:<name>`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kinetrace.errors import InputError, MediaError
from kinetrace.metrics.pose import LANDMARK_NAMES

__all__ = ["CAPTURE_TESTS", "GATES", "check_person", "check_tests_known", "refuse", "test_matches"]

_I = {n: i for i, n in enumerate(LANDMARK_NAMES)}

# design defaults (EO): tune with the validation harness
GATES: dict[str, float] = {
    "min_person_fraction": 0.8,     # each camera finds the person in at least 80 % of frames
    "max_median_reprojection_px": 15.0,
    "max_still_speed_m_s": 0.6,     # mean trunk/leg landmark speed in the scaling window
    "fps_tolerance": 0.01,
}

CAPTURE_TESTS: dict[str, str] = {
    "standing": "standing still (posture): pelvis and hip angles at rest",
    "trunk_rotation": "trunk rotation: shoulders turn at least 20° against the hips",
    "hip_rotation": "hip rotation: a hip turns through at least 15°",
    "overhead_reach": "overhead reach: an arm rises at least 120° from the trunk",
    "squat": "squat: the pelvis drops by at least 15 % of its standing height",
    "gait": "gait: the pelvis travels at least 1 m",
}


def refuse(gate: str, message: str) -> MediaError:
    """A gate refusal: one line naming the gate."""
    return MediaError(f"gate:{gate}", None, message=f"gate {gate}: {message}")


def _arm_elevation(pts: np.ndarray, side: str) -> float:
    """Largest angle (deg) between the upper arm and the trunk's downward axis over the trial."""
    shoulder, elbow = pts[:, _I[f"{side}_shoulder"]], pts[:, _I[f"{side}_elbow"]]
    down = (pts[:, _I["left_hip"]] + pts[:, _I["right_hip"]] - pts[:, _I["left_shoulder"]]
            - pts[:, _I["right_shoulder"]]) / 2.0
    arm = elbow - shoulder
    cos = np.sum(arm * down, axis=1) / (np.linalg.norm(arm, axis=1) * np.linalg.norm(down, axis=1))
    return float(np.degrees(np.nanmax(np.arccos(np.clip(cos, -1.0, 1.0)))))


def test_matches(test: str, angles: dict[str, np.ndarray], pts: np.ndarray, still: slice) -> str | None:
    """None when the recording shows the asked movement, else the reason it does not (model frame, Y up)."""
    pelvis = (pts[:, _I["left_hip"]] + pts[:, _I["right_hip"]]) / 2.0
    if test == "standing":
        speed = np.nanmean(np.linalg.norm(np.diff(pelvis, axis=0), axis=1))
        travel = float(np.nanmax(np.linalg.norm(pelvis - np.nanmean(pelvis[still], axis=0), axis=1)))
        return None if travel < 0.1 else f"the pelvis moves {travel:.2f} m (mean step {speed * 1000:.0f} mm)"  # noqa: PLR2004
    if test == "trunk_rotation":
        rng = float(np.nanmax(angles["thoracic_rotation"]) - np.nanmin(angles["thoracic_rotation"]))
        return None if rng >= 20.0 else f"shoulders turn only {rng:.0f}° against the hips (need 20°)"  # noqa: PLR2004
    if test == "hip_rotation":
        rng = max(float(np.nanmax(a) - np.nanmin(a)) for a in (angles["hip_rotation_left"],
                                                             angles["hip_rotation_right"]))
        return None if rng >= 15.0 else f"hips turn only {rng:.0f}° (need 15°)"  # noqa: PLR2004
    if test == "overhead_reach":
        elevation = max(_arm_elevation(pts, "left"), _arm_elevation(pts, "right"))
        return None if elevation >= 120.0 else f"the arms rise only {elevation:.0f}° from the trunk (need 120°)"  # noqa: PLR2004
    if test == "squat":
        h0 = float(np.nanmedian(pelvis[still, 1]))
        drop = (h0 - float(np.nanmin(pelvis[:, 1]))) / max(h0, 1e-6)
        return None if drop >= 0.15 else f"the pelvis drops only {drop:.0%} (need 15 %)"  # noqa: PLR2004
    if test == "gait":
        flat = pelvis[:, [0, 2]]
        travel = float(np.nanmax(np.linalg.norm(flat - flat[np.isfinite(flat).all(axis=1)][0], axis=1)))
        return None if travel >= 1.0 else f"the pelvis travels only {travel:.2f} m (need 1 m)"
    raise InputError("test", test, "one of " + ", ".join(CAPTURE_TESTS))


def check_tests_known(test: str) -> None:
    """Refuse an unknown 3-D test id before any work."""
    if test not in CAPTURE_TESTS:
        raise InputError("--test", test, "one of " + ", ".join(CAPTURE_TESTS) + " (3-D capture tests)")


def check_person(names: Sequence[str], fractions: Sequence[float]) -> None:
    """Each camera must see the person in most frames."""
    for name, frac in zip(names, fractions, strict=True):
        if frac < GATES["min_person_fraction"]:
            raise refuse("camera_sees_person", f"camera {name} finds the person in {frac:.0%} of frames; at least "
                         f"{GATES['min_person_fraction']:.0%} expected (check framing and lighting)")
