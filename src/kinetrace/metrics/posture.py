"""Posture metrics from one photo's `PoseFrame`: every catalogue metric, measured or declared not measurable.

`measure_posture(frame, view, catalogue, ...)` returns one `Measurement` per metric (two for bilateral ones).
A metric is measured only from the views its catalogue entry allows, only when its landmarks are visible and
inside the image, and only when the person was detected confidently; otherwise it comes back with
`status="not_measurable"` and a reason. Values are never NaN.

Geometry is done in pixels with y up, after turning the image by the camera roll (`roll_deg`: how far a true
vertical leans clockwise in the photo). Uncertainty (1 SD) combines the catalogue's published error with the
landmark-placement error propagated through the metric's formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from kinetrace.metrics import geometry as g
from kinetrace.metrics.catalogue import Catalogue, MetricSpec, View
from kinetrace.metrics.errors import validated_error
from kinetrace.metrics.pose import PoseFrame, Provenance
from kinetrace.metrics.scale import Scale, stature_px
from kinetrace.metrics.views import facing_sign
from kinetrace.units import Side
from kinetrace.values import opposite_side

__all__ = ["NEEDS_REVIEW", "LandmarkUse", "Measurement", "Status", "measure_posture"]

Points = Mapping[str, np.ndarray]
# Asymmetries smaller than this (deg or mm) have no direction: rounding noise is not a side.
_NO_DIRECTION = 0.05


class Status(StrEnum):
    """Whether a metric could be measured."""

    OK = "ok"
    NOT_MEASURABLE = "not_measurable"


@dataclass(frozen=True, slots=True)
class LandmarkUse:
    """A landmark a measurement used: where, how visible, where the point came from, what it stands for."""

    name: str
    x_px: float
    y_px: float
    visibility: float
    provenance: Provenance
    stands_for: str


@dataclass(frozen=True, slots=True)
class Measurement:
    """One metric from one photo. `value` follows the catalogue's sign convention; `side` is the side measured
    (bilateral metrics) or the direction of an asymmetry (low side, tilt or shift side)."""

    metric_id: str
    name: str
    view: str
    status: Status
    unit: str
    value: float | None = None
    side: Side = Side.NONE
    reason: str = ""
    is_proxy: bool = False
    uncertainty: float | None = None
    value_pct_stature: float | None = None
    landmarks: tuple[LandmarkUse, ...] = ()
    source: str = ""
    validated: bool = False
    review: str = ""
    review_reason: str = ""


NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True, slots=True)
class _Context:
    frame: PoseFrame
    view: View
    catalogue: Catalogue
    points: dict[str, np.ndarray]  # y-up pixels, roll-corrected
    facing: float  # +1 faces +x, -1 faces -x, 0 unknown
    near: str  # "left"/"right": side nearer the camera (side views)
    stature_px: float | None
    scale: Scale | None
    model: str | None = None  # the pose model that gave the landmarks: its validated errors are the ±


def _lateral(p: Points) -> float:
    """+1 if the person's left lies towards +x (front view), -1 otherwise."""
    d = (p["left_shoulder"][0] - p["right_shoulder"][0]) + (p["left_hip"][0] - p["right_hip"][0])
    return 1.0 if d >= 0 else -1.0


def _level_angle(p: Points, stem: str) -> float:
    """Angle of the left–right line to horizontal, + when the left point is lower."""
    left, right = p[f"left_{stem}"], p[f"right_{stem}"]
    return math.degrees(math.atan2(right[1] - left[1], abs(left[0] - right[0])))


# Sagittal formulas take (points of the measured side keyed by stem, facing sign).
_SAGITTAL: dict[str, tuple[tuple[str, ...], Callable[[Points, float], float]]] = {
    "craniovertebral_angle": (
        ("ear", "shoulder"),
        lambda q, a: math.degrees(math.atan2(q["ear"][1] - q["shoulder"][1], a * (q["ear"][0] - q["shoulder"][0]))),
    ),
    "forward_head_translation": (("ear", "shoulder"), lambda q, a: a * (q["ear"][0] - q["shoulder"][0])),
    "sagittal_plumb_offset_ear": (("ear", "ankle"), lambda q, a: a * (q["ear"][0] - q["ankle"][0])),
    "sagittal_plumb_offset_shoulder": (
        ("shoulder", "ankle"),
        lambda q, a: a * (q["shoulder"][0] - q["ankle"][0]),
    ),
    "sagittal_plumb_offset_hip": (("hip", "ankle"), lambda q, a: a * (q["hip"][0] - q["ankle"][0])),
    "sagittal_plumb_offset_knee": (("knee", "ankle"), lambda q, a: a * (q["knee"][0] - q["ankle"][0])),
    "knee_hyperextension": (
        ("hip", "knee", "ankle"),
        lambda q, a: a * g.bend_angle_deg(q["hip"], q["knee"], q["ankle"]),
    ),
    "trunk_inclination": (
        ("hip", "shoulder"),
        lambda q, a: g.inclination_deg(q["hip"], q["shoulder"], forward=a),
    ),
    "rounded_shoulder_angle": (
        ("hip", "shoulder", "ear"),
        lambda q, a: (
            g.inclination_deg(q["hip"], q["shoulder"], forward=a) - g.inclination_deg(q["hip"], q["ear"], forward=a)
        ),
    ),
}

# Frontal formulas take all points; + means the person's left (lower, tilted to, shifted to).
_FRONTAL: dict[str, tuple[tuple[str, ...], Callable[[Points], float]]] = {
    "frontal_head_tilt": (("ear",), lambda p: _level_angle(p, "ear")),
    "shoulder_height_difference": (("shoulder",), lambda p: p["right_shoulder"][1] - p["left_shoulder"][1]),
    "pelvic_obliquity_angle": (("hip",), lambda p: _level_angle(p, "hip")),
    "lateral_trunk_shift": (
        ("shoulder", "hip"),
        lambda p: (
            _lateral(p)
            * (g.midpoint(p["left_shoulder"], p["right_shoulder"])[0] - g.midpoint(p["left_hip"], p["right_hip"])[0])
        ),
    ),
}


def _knee_frontal(p: Points, side: str) -> float:
    """Frontal knee angle of one leg, + = valgus (knee medial of the hip–ankle line)."""
    other = opposite_side(side)
    medial = 1.0 if p[f"{other}_hip"][0] > p[f"{side}_hip"][0] else -1.0
    return -medial * g.bend_angle_deg(p[f"{side}_hip"], p[f"{side}_knee"], p[f"{side}_ankle"])


def measure_posture(
    frame: PoseFrame,
    view: View | None,
    catalogue: Catalogue,
    *,
    scale: Scale | None = None,
    roll_deg: float = 0.0,
    refused: str | None = None,
    model: str | None = None,
) -> tuple[Measurement, ...]:
    """Measure every catalogue metric on one frame seen from `view` (None = unknown view).

    Left/right labels must already agree with the view (see `views.match_labels_to_view`). `refused` is the
    reason a capture gate refused the photo (see `metrics.capture`): every metric is then not measurable.
    `model` names the pose model that produced the landmarks (short name or the back end's `describe()`): each
    ± is that model's validated error (`metrics.errors`); with no model, or one never validated, every metric
    is "not validated" and carries no ±.
    """
    source = frame.source
    gate = refused or _frame_gate(frame, view, catalogue)
    if gate is not None or view is None:
        reason = gate or "the view is not known; give it (front, back, left or right)"
        return tuple(m for spec in catalogue.metrics for m in _not_measurable(spec, view, reason, source))
    ctx = _context(frame, view, catalogue, scale=scale, roll_deg=roll_deg, model=model)
    out: list[Measurement] = []
    for spec in catalogue.metrics:
        if view not in spec.views:
            wanted = " or ".join(spec.views)
            out.extend(_not_measurable(spec, view, f"needs a {wanted} view", source))
        elif spec.id in _SAGITTAL:
            out.extend(_measure_sagittal(ctx, spec))
        elif spec.id == "standing_knee_frontal_angle":
            out.extend(_measure_knees_frontal(ctx, spec))
        elif spec.id in _FRONTAL:
            out.append(_measure_frontal(ctx, spec))
        else:
            out.extend(_not_measurable(spec, view, "no formula is implemented for this metric", source))
    return tuple(out)


def _frame_gate(frame: PoseFrame, view: View | None, catalogue: Catalogue) -> str | None:
    q = catalogue.quality
    if frame.detection_confidence < q.min_detection_confidence:
        return f"person detection confidence {frame.detection_confidence:.2f} is below {q.min_detection_confidence:.2f}"
    return None


def _context(
    frame: PoseFrame, view: View, catalogue: Catalogue, *, scale: Scale | None, roll_deg: float, model: str | None
) -> _Context:
    centre = np.array([frame.image_width_px / 2.0, -frame.image_height_px / 2.0])
    points = {name: g.to_y_up(*frame.point_px(name)) for name in frame.landmarks}
    if roll_deg:
        points = {n: g.rotate(pt, roll_deg, centre=centre) for n, pt in points.items()}
    vis = catalogue.quality.min_visibility
    facing = facing_sign(frame, min_visibility=vis)
    if facing == 0 and view in ("left", "right"):
        facing = -1.0 if view == "left" else 1.0
    stems = ("ear", "shoulder", "hip", "knee", "ankle")

    def side_visibility(side: str) -> float:
        return float(np.mean([frame.landmarks[f"{side}_{s}"].visibility for s in stems]))

    near = "left" if side_visibility("left") >= side_visibility("right") else "right"
    return _Context(
        frame=frame,
        view=view,
        catalogue=catalogue,
        points=points,
        facing=facing,
        near=near,
        stature_px=stature_px(frame, catalogue, roll_deg=roll_deg),
        scale=scale,
        model=model,
    )


def _not_measurable(spec: MetricSpec, view: View | None, reason: str, source: str) -> list[Measurement]:
    sides = (Side.LEFT, Side.RIGHT) if spec.bilateral else (Side.NONE,)
    return [
        Measurement(
            metric_id=spec.id,
            name=spec.name,
            view=view or "unknown",
            status=Status.NOT_MEASURABLE,
            unit=spec.unit,
            side=side,
            reason=reason,
            is_proxy=spec.is_proxy,
            source=source,
        )
        for side in sides
    ]


def _missing(ctx: _Context, names: tuple[str, ...]) -> str | None:
    """Return why the landmarks cannot be used (not visible, outside the image), or None if they can."""
    q = ctx.catalogue.quality
    for name in names:
        lm = ctx.frame.landmarks.get(name)
        label = name.replace("_", " ")
        if lm is None:
            return f"{label} was not found"
        if lm.visibility < q.min_visibility:
            return f"{label} is not visible (visibility {lm.visibility:.2f} < {q.min_visibility:.2f})"
        m = q.frame_margin_norm
        if not (m <= lm.x_norm <= 1 - m and m <= lm.y_norm <= 1 - m):
            return f"{label} is outside the image"
    return None


def _uses(ctx: _Context, spec: MetricSpec, names: tuple[str, ...]) -> tuple[LandmarkUse, ...]:
    stands = {lm.landmark: lm.stands_for for lm in [*spec.landmarks, *spec.fallback_landmarks]}
    out = []
    for name in names:
        lm = ctx.frame.landmarks[name]
        x_px, y_px = ctx.frame.point_px(name)
        stem = name.split("_", 1)[1] if name.startswith(("left_", "right_")) else name
        out.append(
            LandmarkUse(
                name=name,
                x_px=x_px,
                y_px=y_px,
                visibility=lm.visibility,
                provenance=lm.provenance,
                stands_for=stands.get(stem, stem),
            )
        )
    return tuple(out)


def _finish(ctx: _Context, spec: MetricSpec, fn: Callable[[dict[str, np.ndarray]], float],
            names: tuple[str, ...], side: Side) -> Measurement:
    """Evaluate a formula and express it in the metric's unit with its validated error and review flag."""
    raw = fn(ctx.points)
    base = Measurement(metric_id=spec.id, name=spec.name, view=ctx.view, status=Status.OK, unit=spec.unit,
                       side=side, is_proxy=spec.is_proxy, landmarks=_uses(ctx, spec, names),
                       source=ctx.frame.source)
    err = validated_error(spec.id, ctx.view, ctx.model)
    stature = ctx.stature_px
    if spec.kind == "angle":
        unc = err.total if err is not None and err.unit == "deg" else None
        return _reviewed(spec, replace(base, value=raw, uncertainty=unc, validated=unc is not None))
    pct = 100.0 * raw / stature if stature else None
    err_pct = err.total if err is not None and err.unit == "%stature" else None
    if ctx.scale is not None:
        unc_mm = None if err_pct is None or not stature else err_pct / 100.0 * stature * ctx.scale.mm_per_px
        return _reviewed(spec, replace(base, value=raw * ctx.scale.mm_per_px, value_pct_stature=pct,
                                       uncertainty=unc_mm, validated=unc_mm is not None))
    if pct is None or not stature:
        return replace(base, status=Status.NOT_MEASURABLE,
                       reason="no scale: give the height or a known distance, with the eyes and feet in view")
    return replace(base, unit="%stature", value=pct, value_pct_stature=pct, uncertainty=err_pct,
                   validated=err_pct is not None)


def _reviewed(spec: MetricSpec, m: Measurement) -> Measurement:
    """Flag a value outside what a quietly standing person can show (the catalogue's `plausible` range)."""
    p = spec.plausible
    if p is None or m.value is None or m.unit != spec.unit:
        return m
    if (p.low is not None and m.value < p.low) or (p.high is not None and m.value > p.high):
        lo = "" if p.low is None else f"{p.low:g}"
        hi = "" if p.high is None else f"{p.high:g}"
        why = (f"{m.value:.1f} {m.unit} is outside the plausible range {lo}…{hi} {m.unit} for quiet standing; "
               "needs review (is the person standing still, are the landmarks right?)")
        return replace(m, review=NEEDS_REVIEW, review_reason=why)
    return m


def _far_leg_hidden(spec: MetricSpec, ctx: _Context) -> list[Measurement]:
    hidden = opposite_side(ctx.view)
    reason = "the far leg is hidden in a side view; photograph the other side"
    return [m for m in _not_measurable(spec, ctx.view, reason, ctx.frame.source) if m.side == hidden]


def _measure_sagittal(ctx: _Context, spec: MetricSpec) -> list[Measurement]:
    stems, formula = _SAGITTAL[spec.id]
    facing = ctx.facing
    reason = ""
    for side in (ctx.near, opposite_side(ctx.near)):  # nearer side first
        names = tuple(f"{side}_{s}" for s in stems)
        why = _missing(ctx, names)
        if why is not None:
            reason = reason or why
            continue

        def fn(pts: dict[str, np.ndarray], names: tuple[str, ...] = names) -> float:
            return formula({s: pts[n] for s, n in zip(stems, names, strict=True)}, facing)

        label = Side(ctx.view) if spec.bilateral else Side.NONE
        measured = _finish(ctx, spec, fn, names, label)
        return [measured, *_far_leg_hidden(spec, ctx)] if spec.bilateral else [measured]
    return _not_measurable(spec, ctx.view, reason, ctx.frame.source)


def _measure_frontal(ctx: _Context, spec: MetricSpec) -> Measurement:
    stems, formula = _FRONTAL[spec.id]
    candidates: list[tuple[tuple[str, ...], Callable[[Points], float]]] = [(stems, formula)]
    if spec.id == "frontal_head_tilt":  # eyes stand in when the ears are hidden (e.g. by hair)
        candidates.append((("eye",), lambda p: _level_angle(p, "eye")))
    reason = ""
    for cand, fn in candidates:
        names = tuple(f"{side}_{s}" for s in cand for side in ("left", "right"))
        why = _missing(ctx, names)
        if why is None:
            return _with_direction(_finish(ctx, spec, fn, names, Side.NONE))
        reason = reason or why
    return _not_measurable(spec, ctx.view, reason, ctx.frame.source)[0]


def _with_direction(m: Measurement) -> Measurement:
    """Set `side` of a frontal asymmetry from its sign (+ = the person's left)."""
    if m.status is not Status.OK or m.value is None or abs(m.value) < _NO_DIRECTION:
        return m
    return replace(m, side=Side.LEFT if m.value > 0 else Side.RIGHT)


def _measure_knees_frontal(ctx: _Context, spec: MetricSpec) -> list[Measurement]:
    out = []
    for side in ("left", "right"):
        names = (
            f"{side}_hip",
            f"{side}_knee",
            f"{side}_ankle",
            f"{opposite_side(side)}_hip",
        )
        why = _missing(ctx, names)
        if why is not None:
            out.append(
                Measurement(
                    metric_id=spec.id,
                    name=spec.name,
                    view=ctx.view,
                    status=Status.NOT_MEASURABLE,
                    unit=spec.unit,
                    side=Side(side),
                    reason=why,
                    is_proxy=spec.is_proxy,
                    source=ctx.frame.source,
                )
            )
            continue

        def fn(pts: dict[str, np.ndarray], side: str = side) -> float:
            return _knee_frontal(pts, side)

        out.append(_finish(ctx, spec, fn, names, Side(side)))
    return out
