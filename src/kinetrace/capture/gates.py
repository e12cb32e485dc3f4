"""Quality gates of the 3-D pipeline (bounds in `capture/data/gates.yaml`); a refusal names its gate
(`InputError` field `gate:<name>`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kinetrace.capture.gate_data import Bound, gate_data
from kinetrace.errors import InputError, MediaError
from kinetrace.metrics.pose import LANDMARK_NAMES

__all__ = ["capture_tests", "check_person", "check_tests_known", "pelvis_travel_m", "quality", "refuse", "test_matches"]

_I = {n: i for i, n in enumerate(LANDMARK_NAMES)}


def quality(name: str) -> float:
    """The value of recording-quality bound `name` (`capture/data/gates.yaml` quality)."""
    bound: Bound = getattr(gate_data().quality, name)
    return bound.value


def capture_tests() -> dict[str, str]:
    """Capture test id → what the recording must show (`capture/data/gates.yaml` movements)."""
    return {k: m.description for k, m in gate_data().movements.items()}


def _bound(test: str) -> float:
    return gate_data().movements[test].bound.value


def pelvis_travel_m(pts: np.ndarray, still: slice) -> float:
    """Largest distance (m) of the mid-hip point from its still-window position over the trial."""
    pelvis = (pts[:, _I["left_hip"]] + pts[:, _I["right_hip"]]) / 2.0
    return float(np.nanmax(np.linalg.norm(pelvis - np.nanmean(pelvis[still], axis=0), axis=1)))


def refuse(gate: str, message: str) -> MediaError:
    """A gate refusal: one line naming the gate."""
    return MediaError(f"gate:{gate}", None, message=f"gate {gate}: {message}")


def _arm_elevation(pts: np.ndarray, side: str) -> float:
    """Largest angle (deg) between the upper arm and the trunk's downward axis over the trial."""
    shoulder, elbow = pts[:, _I[f"{side}_shoulder"]], pts[:, _I[f"{side}_elbow"]]
    down = (
        pts[:, _I["left_hip"]] + pts[:, _I["right_hip"]] - pts[:, _I["left_shoulder"]] - pts[:, _I["right_shoulder"]]
    ) / 2.0
    arm = elbow - shoulder
    cos = np.sum(arm * down, axis=1) / (np.linalg.norm(arm, axis=1) * np.linalg.norm(down, axis=1))
    return float(np.degrees(np.nanmax(np.arccos(np.clip(cos, -1.0, 1.0)))))


def test_matches(test: str, angles: dict[str, np.ndarray], pts: np.ndarray, still: slice) -> str | None:
    """None when the recording shows the asked movement, else the reason it does not (model frame, Y up)."""
    pelvis = (pts[:, _I["left_hip"]] + pts[:, _I["right_hip"]]) / 2.0
    if test not in capture_tests():
        raise InputError("test", test, "one of " + ", ".join(capture_tests()))
    bound = _bound(test)
    if test == "standing":
        speed = np.nanmean(np.linalg.norm(np.diff(pelvis, axis=0), axis=1))
        travel = pelvis_travel_m(pts, still)
        return None if travel < bound else f"the pelvis moves {travel:.2f} m (mean step {speed * 1000:.0f} mm)"
    if test == "trunk_rotation":
        rng = float(np.nanmax(angles["thoracic_rotation"]) - np.nanmin(angles["thoracic_rotation"]))
        return None if rng >= bound else f"shoulders turn only {rng:.0f}° against the hips (need {bound:g}°)"
    if test == "hip_rotation":
        rng = max(
            float(np.nanmax(a) - np.nanmin(a)) for a in (angles["hip_rotation_left"], angles["hip_rotation_right"])
        )
        return None if rng >= bound else f"hips turn only {rng:.0f}° (need {bound:g}°)"
    if test == "overhead_reach":
        elevation = max(_arm_elevation(pts, "left"), _arm_elevation(pts, "right"))
        return None if elevation >= bound else f"the arms rise only {elevation:.0f}° from the trunk (need {bound:g}°)"
    if test == "squat":
        h0 = float(np.nanmedian(pelvis[still, 1]))
        drop = (h0 - float(np.nanmin(pelvis[:, 1]))) / max(h0, 1e-6)
        return None if drop >= bound else f"the pelvis drops only {drop:.0%} (need {bound:.0%})"
    flat = pelvis[:, [0, 2]]  # gait
    travel = float(np.nanmax(np.linalg.norm(flat - flat[np.isfinite(flat).all(axis=1)][0], axis=1)))
    return None if travel >= bound else f"the pelvis travels only {travel:.2f} m (need {bound:g} m)"


def check_tests_known(test: str) -> None:
    """Refuse an unknown 3-D test id before any work."""
    if test not in capture_tests():
        raise InputError("--test", test, "one of " + ", ".join(capture_tests()) + " (3-D capture tests)")


def check_person(names: Sequence[str], fractions: Sequence[float]) -> None:
    """Each camera must see the person in most frames."""
    for name, frac in zip(names, fractions, strict=True):
        if frac < quality("min_person_fraction"):
            raise refuse(
                "camera_sees_person",
                f"camera {name} finds the person in {frac:.0%} of frames; at least "
                f"{quality('min_person_fraction'):.0%} expected (check framing and lighting)",
            )
