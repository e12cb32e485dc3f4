"""Capture gates: is this frame a usable posture photo? Checked before any metric is measured.

A posture metric means something only when the person stands still and upright, whole in the frame, seen
square-on from the view it is measured in, with a level camera. `capture_measures(frame, view)` turns one
`PoseFrame` into the numbers those conditions rest on (knee bend, stride, arm elevation, trunk lean, torso
foreshortening, shoulder width, body pitch towards the camera, ...); `check_capture` compares them with the
thresholds in the catalogue's `capture_gates` block and returns one `GateCheck` per gate. A gate that fails with
`action: refuse` stops every metric of that photo; `action: warn` only reports. Each check names the gate, the
value and what was expected, so every output (CLI, JSON, web, batch) can say why a photo was not measured.

All measures are in the image plane (pixels, y up) and expressed in degrees or as fractions of the body's
height in the image, so they do not depend on resolution or on a scale being given.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kinetrace.metrics import geometry as g
from kinetrace.metrics.catalogue import Catalogue, GateSpec, View
from kinetrace.metrics.pose import PoseFrame

__all__ = ["GateAction", "GateCheck", "capture_measures", "check_capture", "refusals"]

_ENDS = ("nose", "left_wrist", "right_wrist", "left_heel", "right_heel", "left_foot_index", "right_foot_index")
_FRONTAL: tuple[View, ...] = ("front", "back")


class GateAction(StrEnum):
    """What a failed gate does."""

    REFUSE = "refuse"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class GateCheck:
    """One gate on one photo: its measured value, what was expected, and whether it passed."""

    gate: str
    passed: bool
    action: GateAction
    value: float | None
    unit: str
    expected: str
    message: str

    @property
    def refused(self) -> bool:
        """True when this gate failed and refuses the photo."""
        return not self.passed and self.action is GateAction.REFUSE


def _pt(frame: PoseFrame, name: str) -> np.ndarray:
    return g.to_y_up(*frame.point_px(name))


def _mid(frame: PoseFrame, stem: str) -> np.ndarray:
    return g.midpoint(_pt(frame, f"left_{stem}"), _pt(frame, f"right_{stem}"))


def _body_px(frame: PoseFrame) -> float:
    """Height of the body in the image: from the eyes' level to the lowest foot point (pixels, ≥ 1)."""
    eye = max(_pt(frame, "left_eye")[1], _pt(frame, "right_eye")[1])
    floor = min(_pt(frame, n)[1] for n in ("left_heel", "right_heel", "left_foot_index", "right_foot_index"))
    return max(1.0, float(eye - floor))


def _angle_from_down(a: np.ndarray, b: np.ndarray) -> float:
    """Angle (deg, 0–180) of the vector a→b from straight down."""
    d = b - a
    return abs(math.degrees(math.atan2(d[0], -d[1])))


def _knee_bend(frame: PoseFrame) -> float:
    return max(abs(g.bend_angle_deg(_pt(frame, f"{s}_hip"), _pt(frame, f"{s}_knee"), _pt(frame, f"{s}_ankle")))
               for s in ("left", "right"))


def _arm_elevation(frame: PoseFrame) -> float:
    """Largest elevation of an arm (shoulder to elbow or to wrist) from hanging straight down."""
    return max(_angle_from_down(_pt(frame, f"{s}_shoulder"), _pt(frame, f"{s}_{j}"))
               for s in ("left", "right") for j in ("elbow", "wrist"))


def _trunk_lean(frame: PoseFrame) -> float:
    return _angle_from_down(_mid(frame, "shoulder"), _mid(frame, "hip"))


def _torso_leg_ratio(frame: PoseFrame) -> float:
    """Torso length over leg length in the image; a trunk bent towards or away from the camera shortens it."""
    torso = float(np.linalg.norm(_mid(frame, "shoulder") - _mid(frame, "hip")))
    legs = [float(np.linalg.norm(_pt(frame, f"{s}_hip") - _pt(frame, f"{s}_knee"))
                  + np.linalg.norm(_pt(frame, f"{s}_knee") - _pt(frame, f"{s}_ankle"))) for s in ("left", "right")]
    return torso / max(1.0, *legs)


def _body_pitch(frame: PoseFrame) -> float | None:
    """Tilt (deg) of the ankles-to-shoulders axis towards or away from the camera, from the model's 3-D
    landmarks: a high camera looking down, or a person leaning to the camera, both raise it."""
    names = ("left_shoulder", "right_shoulder", "left_ankle", "right_ankle")
    world = [frame.landmarks[n].world_m for n in names]
    if any(w is None for w in world):
        return None
    pts = np.asarray(world, dtype=float)
    axis = (pts[0] + pts[1]) / 2 - (pts[2] + pts[3]) / 2  # world: x right, y down, z away from the camera
    return abs(math.degrees(math.atan2(float(axis[2]), float(-axis[1]))))


def _ends_out(frame: PoseFrame, min_visibility: float) -> list[str]:
    out = []
    for n in _ENDS:
        lm = frame.landmarks[n]
        inside = 0.0 <= lm.x_norm <= 1.0 and 0.0 <= lm.y_norm <= 1.0
        if not inside or (n == "nose" and lm.visibility < min_visibility):
            out.append(n)
    heels = [frame.landmarks[n].visibility for n in ("left_heel", "right_heel", "left_foot_index", "right_foot_index")]
    if max(heels) < min_visibility:
        out.append("feet (not visible)")
    return out


_MEASURES: dict[str, Callable[[PoseFrame, float], float | None]] = {
    "detection_confidence": lambda f, b: f.detection_confidence,
    "knees_straight": lambda f, b: _knee_bend(f),
    "feet_level": lambda f, b: abs(float(min(_pt(f, "left_heel")[1], _pt(f, "left_ankle")[1])
                                         - min(_pt(f, "right_heel")[1], _pt(f, "right_ankle")[1]))) / b,
    "ankles_under_hips": lambda f, b: abs(float(_mid(f, "ankle")[0] - _mid(f, "hip")[0])) / b,
    "stance_width": lambda f, b: abs(float(_pt(f, "left_ankle")[0] - _pt(f, "right_ankle")[0])) / b,
    "arms_by_sides": lambda f, b: _arm_elevation(f),
    "trunk_upright": lambda f, b: _trunk_lean(f),
    "torso_not_foreshortened": lambda f, b: _torso_leg_ratio(f),
    "shoulder_width": lambda f, b: abs(float(_pt(f, "left_shoulder")[0] - _pt(f, "right_shoulder")[0])) / b,
    "hip_width": lambda f, b: abs(float(_pt(f, "left_hip")[0] - _pt(f, "right_hip")[0])) / b,
    "foot_orientation": lambda f, b: max(abs(float(_pt(f, f"{s}_foot_index")[0] - _pt(f, f"{s}_heel")[0]))
                                         for s in ("left", "right")) / b,
    "body_pitch": lambda f, b: _body_pitch(f),
    "body_pitch_warning": lambda f, b: _body_pitch(f),
}


def capture_measures(frame: PoseFrame) -> dict[str, float | None]:
    """Every capture measure of one frame, keyed by gate id (None when it cannot be computed)."""
    body = _body_px(frame)
    return {gate: fn(frame, body) for gate, fn in _MEASURES.items()}


def _expected(spec: GateSpec) -> str:
    parts = []
    if spec.min is not None:
        parts.append(f"≥ {spec.min:g}")
    if spec.max is not None:
        parts.append(f"≤ {spec.max:g}")
    return " and ".join(parts) + (f" {spec.unit}" if spec.unit else "")


def _bounds_for(spec: GateSpec, view: View | None) -> GateSpec | None:
    """The spec with view-specific bounds applied, or None when the gate does not apply to this view."""
    if spec.views and (view is None or view not in spec.views):
        return None
    override = spec.by_view.get(view) if view is not None else None
    if override is None:
        return spec
    return spec.model_copy(update={k: v for k, v in override.items() if k in ("min", "max")})


def check_capture(frame: PoseFrame, view: View | None, catalogue: Catalogue, *, roll_deg: float | None = None,
                  people_detected: int | None = None, view_detected: View | None = None
                  ) -> tuple[GateCheck, ...]:
    """Check one frame against every capture gate of the catalogue that applies to `view`.

    `roll_deg` is the camera roll estimated from the background (None if unknown); `people_detected` how many
    people were found in the photo; `view_detected` the view the landmarks show (None: oblique or unclear).
    """
    measures: Mapping[str, float | None] = capture_measures(frame)
    vis = catalogue.quality.min_visibility
    out: list[GateCheck] = []
    for gate, raw_spec in catalogue.capture_gates.items():
        spec = _bounds_for(raw_spec, view)
        if spec is None:
            continue
        if gate == "whole_body":
            missing = _ends_out(frame, vis)
            out.append(GateCheck(gate, not missing, GateAction(spec.action), float(len(missing)), "landmarks",
                                 "none outside",
                                 "whole body in frame" if not missing else
                                 f"whole_body: {', '.join(m.replace('_', ' ') for m in missing)} outside the image "
                                 "or not visible; expected the whole body from head to feet in frame"))
            continue
        if gate == "camera_roll":
            value = None if roll_deg is None else abs(roll_deg)
        elif gate == "view_consistent":
            value = _view_agreement(view, view_detected)
        elif gate == "people":
            value = None if people_detected is None else float(people_detected)
        else:
            value = measures.get(gate)
        out.append(_compare(gate, spec, value))
    return tuple(out)


def _view_agreement(view: View | None, detected: View | None) -> float | None:
    """1.0 when the detected view is of the same kind (front/back or side) as the view measured, else 0.0."""
    if view is None:
        return None
    if detected is None:
        return 0.0
    return 1.0 if (view in _FRONTAL) == (detected in _FRONTAL) else 0.0


def _compare(gate: str, spec: GateSpec, value: float | None) -> GateCheck:
    expected = _expected(spec)
    if value is None:
        return GateCheck(gate, True, GateAction(spec.action), None, spec.unit, expected,
                         f"{gate}: not measurable, not checked")
    ok = (spec.min is None or value >= spec.min) and (spec.max is None or value <= spec.max)
    shown = f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"  # 12.3 vs a bound of 12 must not read "12"
    what = spec.text or gate.replace("_", " ")
    msg = f"{gate}: {shown} {spec.unit}".rstrip() + f", expected {expected} ({what})"
    return GateCheck(gate, ok, GateAction(spec.action), value, spec.unit, expected, msg)


def refusals(checks: tuple[GateCheck, ...]) -> tuple[GateCheck, ...]:
    """The checks that refuse the photo."""
    return tuple(c for c in checks if c.refused)
