"""Per-test measurement: find each test's events in the angle series and read its raw metric values.

Each `measure_<test>` function returns raw values keyed by metric id; `movement.py` turns them into
`MovementMetric` results (view checks, thresholds, norms, errors). A value that cannot be read comes back with a
reason instead of a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from kinetrace.metrics.movement.events import (
    MovementEvent,
    contact_frames,
    deepest_frames,
    forward_peaks,
    lift_intervals,
    peak_frame,
)
from kinetrace.metrics.movement.kinematics import Kinematics
from kinetrace.metrics.movement.signal import FloatArray
from kinetrace.metrics.movement.spec import MovementTestSpec, View
from kinetrace.values import Side, opposite_side

__all__ = ["MEASURES", "MeasureContext", "Outcome", "RawValue"]


@dataclass(frozen=True, slots=True)
class RawValue:
    """One metric reading before judgement: a number (or None with a reason) at a key frame."""

    metric_id: str
    side: str
    value: float | None
    frame: int | None = None
    reason: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class MeasureContext:
    """What a test's measure function reads: its spec, the angle series, the frame rate and the tested side."""

    spec: MovementTestSpec
    kin: Kinematics
    fps: float
    side: str | None

    @property
    def n_frames(self) -> int:
        """Frames in the clip."""
        return len(next(iter(self.kin.series.values())))

    def s(self, name: str) -> FloatArray:
        """One series; NaN throughout when the view does not define it."""
        return self.kin.series.get(name, np.full(self.n_frames, np.nan))

    def frames(self, seconds: float) -> int:
        """A duration in whole frames (at least 1)."""
        return max(1, round(seconds * self.fps))


@dataclass(frozen=True, slots=True)
class Outcome:
    """A test's raw values, detected events, warnings and the side it was judged on."""

    values: list[RawValue]
    events: list[MovementEvent] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    side: str = "none"
    refusal: str | None = None  # the clip does not show the test (why); no value may be used


def _event(ctx: MeasureContext, name: str, frame: int, side: str = "none") -> MovementEvent:
    return MovementEvent(name, frame, frame / ctx.fps, side)


def _missing(ctx: MeasureContext, reason: str, side: str = "none") -> list[RawValue]:
    return [RawValue(m.id, side, None, reason=reason) for m in ctx.spec.metrics]


def _median(values: FloatArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _at(series: FloatArray, frames: list[int]) -> float:
    vals = series[frames]
    return float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")


def _value(metric_id: str, side: str, value: float, frame: int | None, what: str, note: str = "") -> RawValue:
    if not np.isfinite(value):
        return RawValue(metric_id, side, None, frame, reason=f"{what} not visible at the key frames")
    return RawValue(metric_id, side, float(value), frame, note=note)


def _stance_intervals(ctx: MeasureContext) -> tuple[str, list[tuple[int, int]]]:
    """The stance side (given, or the side whose opposite foot is lifted longest) and its lift intervals."""
    share, min_frames = ctx.spec.param("foot_lift_share"), ctx.frames(ctx.spec.param("min_lift_s"))
    found = {}
    for stance in ("left", "right"):
        found[stance] = lift_intervals(ctx.s(f"ankle_y_{stance}_leg"), ctx.s(f"ankle_y_{opposite_side(stance)}_leg"),
                                       lift_share=share, min_frames=min_frames)
    if ctx.side in found:
        return ctx.side, found[ctx.side]
    longest = {k: max((b - a for a, b in v), default=0) for k, v in found.items()}
    stance = max(longest, key=lambda k: longest[k])
    return stance, found[stance]


def _no_foot_off(ctx: MeasureContext, stance: str) -> str:
    """Why no stance was found, with a hint when the other foot was the one lifted."""
    if ctx.side is not None:
        other = replace(ctx, side=opposite_side(ctx.side))
        if _stance_intervals(other)[1]:
            return (f"no foot-off of the {opposite_side(stance)} foot found, but the {stance} foot was lifted: "
                    f"for standing on the {opposite_side(stance)} leg use --side {opposite_side(stance)}")
    return "no foot-off found: neither foot left the ground for long enough"


def _drop_sign(stance: str) -> float:
    """+1 when a positive pelvic obliquity (left hip lower) is a drop of the hip opposite `stance`."""
    return 1.0 if stance == Side.RIGHT else -1.0


def _not_a_quiet_stance(ctx: MeasureContext, a: int, b: int) -> str | None:
    """Why frames [a, b) do not show a quiet single-leg stance after standing on both feet, or None when they do.

    The bounds are the test's detection parameters: a double-leg phase of at least `min_double_stance_s` with a
    person in view before foot-off, trunk lean (median from vertical) within `max_trunk_lean_deg`, trunk sway (SD)
    within `max_trunk_sway_deg` and pelvis sway within `max_pelvis_sway_pct` of leg length.
    """
    seen_before = int(np.isfinite(ctx.s("hip_mid_x_leg")[:a]).sum())
    needed = ctx.frames(ctx.spec.param("min_double_stance_s"))
    if seen_before < needed:
        where = "on the first frame with a person" if seen_before == 0 else f"after {seen_before / ctx.fps:.2f} s"
        return (f"foot-off {where}: no double-leg stance of at least {ctx.spec.param('min_double_stance_s'):g} s "
                "before it, so this is not the start of a single-leg stance")
    trunk = ctx.s("trunk_lateral_deg" if ctx.kin.view is View.FRONT else "trunk_incl_deg")[a:b]
    pelvis = ctx.s("hip_mid_x_leg")[a:b]
    checks = (("trunk lean", abs(_median(trunk)), "max_trunk_lean_deg", "°"),
              ("trunk sway", float(np.nanstd(trunk)) if np.isfinite(trunk).any() else np.nan,
               "max_trunk_sway_deg", "°"),
              ("pelvis sway", float(np.nanstd(pelvis) * 100) if np.isfinite(pelvis).any() else np.nan,
               "max_pelvis_sway_pct", " % of leg length"))
    for what, value, key, unit in checks:
        bound = ctx.spec.param(key)
        if np.isfinite(value) and value > bound:
            return (f"{what} {value:.1f}{unit} while on one leg, expected at most {bound:g}{unit}: "
                    "the clip does not show a quiet single-leg stance (a leg swing, a step or a lean?)")
    return None


def measure_single_leg_stance(ctx: MeasureContext) -> Outcome:
    """Time on one leg (longest attempt), pelvic drop and trunk/pelvis sway during it.

    A clip whose attempt fails the quiet-stance check (`_not_a_quiet_stance`) gives no values and sets
    `Outcome.refusal`.
    """
    stance, intervals = _stance_intervals(ctx)
    if not intervals:
        return Outcome(_missing(ctx, _no_foot_off(ctx, stance), stance))
    a, b = max(intervals, key=lambda iv: iv[1] - iv[0])
    refusal = _not_a_quiet_stance(ctx, a, b)
    if refusal is not None:
        return Outcome(_missing(ctx, refusal, stance), [_event(ctx, "foot_off", a, stance)], side=stance,
                       refusal=refusal)
    warnings = []
    if b >= ctx.n_frames:
        warnings.append("the clip ended before touch-down: the stance time is a minimum")
    if len(intervals) > 1:
        warnings.append(f"{len(intervals)} attempts found; the longest is reported (the test takes the best of 3)")
    window = slice(a, b)
    obliq = ctx.s("pelvic_obliquity_deg")
    baseline = _median(obliq[:a]) if a >= 3 else float("nan")
    if not np.isfinite(baseline):
        warnings.append("no double-leg stance before foot-off: pelvic drop is read against a level pelvis")
        baseline = 0.0
    drop = _drop_sign(stance) * (np.nanmean(obliq[window]) - baseline) if np.isfinite(obliq[window]).any() else np.nan
    trunk = ctx.s("trunk_lateral_deg" if ctx.kin.view is View.FRONT else "trunk_incl_deg")[window]
    pelvis = ctx.s("hip_mid_x_leg")[window]
    values = [
        RawValue("stance_time_s", stance, (b - a) / ctx.fps, a, note=f"{len(intervals)} attempt(s)"),
        _value("pelvic_drop_deg", stance, float(drop), a, "hips"),
        _value("trunk_sway_deg", stance, float(np.nanstd(trunk)) if np.isfinite(trunk).any() else np.nan, a,
               "trunk"),
        _value("pelvis_sway_pct", stance, float(np.nanstd(pelvis) * 100) if np.isfinite(pelvis).any() else np.nan,
               a, "hips"),
    ]
    events = [_event(ctx, "foot_off", a, stance)]
    if b < ctx.n_frames:
        events.append(_event(ctx, "touch_down", b, stance))
    return Outcome(values, events, warnings, stance)


def _squat_bottoms(ctx: MeasureContext, within: list[tuple[int, int]] | None = None) -> list[int]:
    depth = ctx.s("hip_mid_y_leg")
    bottoms = deepest_frames(depth, min_prominence=ctx.spec.param("min_depth_share"))
    if within is not None:
        bottoms = [f for f in bottoms if any(a <= f < b for a, b in within)]
    return bottoms


def _standing(ctx: MeasureContext, first_bottom: int) -> slice:
    return slice(0, max(1, min(first_bottom // 3, ctx.frames(1.0))))


def measure_single_leg_squat(ctx: MeasureContext) -> Outcome:
    """FPPA of the stance knee, pelvic drop and trunk lean at the deepest point of each repetition (mean)."""
    stance, intervals = _stance_intervals(ctx)
    warnings = []
    if not intervals:
        warnings.append("no foot-off found: every squat in the clip is treated as single-leg")
    # The lifted foot sinks with the body at the bottom of each squat, so use the whole span from the first foot-off
    # to the last touch-down rather than each lift on its own.
    bottoms = _squat_bottoms(ctx, [(intervals[0][0], intervals[-1][1])] if intervals else None)
    if not bottoms:
        return Outcome(_missing(ctx, "no squat found: the hips never dropped far enough", stance), [], warnings,
                       stance)
    fppa = ctx.s(f"fppa_{stance}_deg")
    key = bottoms[int(np.nanargmax(fppa[bottoms]))] if np.isfinite(fppa[bottoms]).any() else bottoms[0]
    base = _standing(ctx, intervals[0][0] if intervals else bottoms[0])
    obliq = ctx.s("pelvic_obliquity_deg")
    base_obliq = _median(obliq[base])
    lean = ctx.s("trunk_lateral_deg") * (1.0 if stance == Side.LEFT else -1.0)
    note = f"mean of {len(bottoms)} repetition(s)"
    values = [
        _value("knee_fppa_deg", stance, _at(fppa, bottoms), key, f"{stance} hip, knee or ankle", note),
        _value("dynamic_knee_valgus", stance, _at(fppa, bottoms), key, f"{stance} hip, knee or ankle", note),
        _value("pelvic_drop_deg", stance, _drop_sign(stance) * (_at(obliq, bottoms) - base_obliq), key, "hips",
               note),
        _value("trunk_lean_deg", stance, _at(lean, bottoms), key, "trunk", note),
    ]
    events = [_event(ctx, "deepest", f, stance) for f in bottoms]
    return Outcome(values, events, warnings, stance)


def measure_squat(ctx: MeasureContext) -> Outcome:
    """Depth, heel lift, trunk-versus-shin and arm position (side view), or the knee medial to the ankle per side
    (front view), at the deepest point of each repetition (mean)."""
    bottoms = _squat_bottoms(ctx)
    if not bottoms:
        return Outcome(_missing(ctx, "no squat found: the hips never dropped far enough"))
    near = ctx.side or ctx.kin.near_side
    base = _standing(ctx, bottoms[0])
    key = bottoms[int(np.nanargmax(ctx.s("hip_mid_y_leg")[bottoms]))]
    note = f"mean of {len(bottoms)} repetition(s)"
    heel = ctx.s(f"heel_rise_{near}_pct")
    rise = _at(heel, bottoms) - _median(heel[base])
    values = [
        _value("depth_knee_flexion_deg", near, _at(ctx.s(f"knee_flexion_{near}_deg"), bottoms), key, "knee", note),
        _value("heel_lift", "none", rise, key, "heel or toes", note),
        _value("heel_rise_pct", near, rise, key, "heel or toes", note),
        _value("trunk_shin_angle_deg", near,
               _at(ctx.s("trunk_incl_deg") - ctx.s(f"shin_incl_{near}_deg"), bottoms), key, "trunk or shin", note),
        _value("arm_shoulder_flexion_deg", near, _at(ctx.s(f"shoulder_flexion_{near}_deg"), bottoms), key,
               "arm", note),
    ]
    for side in ("left", "right"):
        # At squat depth the thigh points at the camera, so the FPPA folds; the shank's frontal angle stays readable.
        medial = _at(ctx.s(f"shank_lateral_{side}_deg"), bottoms)
        values.append(_value("knee_medial_shank_deg", side, medial, key, f"{side} knee or ankle", note))
        values.append(_value("dynamic_knee_valgus", side, medial, key, f"{side} knee or ankle", note))
    return Outcome(values, [_event(ctx, "deepest", f) for f in bottoms], [], near)


def measure_overhead_reach(ctx: MeasureContext) -> Outcome:
    """Peak shoulder flexion of the near (or given) arm and the trunk extension used at that moment."""
    side = ctx.side or ctx.kin.near_side
    flex = ctx.s(f"shoulder_flexion_{side}_deg")
    peak = peak_frame(flex)
    if peak is None:
        return Outcome(_missing(ctx, f"{side} arm not visible", side), side=side)
    down = np.isfinite(flex) & (flex < ctx.spec.param("arm_down_deg"))
    warnings = []
    trunk = ctx.s("trunk_incl_deg")
    if not down.any():
        warnings.append("the arm was never by the side: trunk extension is read against the first second")
        down = np.zeros(ctx.n_frames, dtype=bool)
        down[: ctx.frames(1.0)] = True
    extension = _median(trunk[down]) - trunk[peak]
    values = [
        _value("shoulder_flexion_deg", side, float(flex[peak]), peak, f"{side} arm"),
        _value("lumbar_extension_deg", side, float(extension), peak, "trunk"),
    ]
    return Outcome(values, [_event(ctx, "peak_reach", peak, side)], warnings, side)


def _step_times(contacts: dict[str, list[float]], *, max_ratio: float) -> tuple[dict[str, list[float]], int]:
    """Step time per side in frames (opposite-foot contact → this foot's contact), and how many were dropped.

    Steps outside [median / `max_ratio`, median × `max_ratio`] span a hidden stretch or a pause, or come from a
    spurious contact, so they are left out.
    """
    merged = sorted((f, s) for s, frames in contacts.items() for f in frames)
    steps: dict[str, list[float]] = {"left": [], "right": []}
    for (f0, s0), (f1, s1) in zip(merged, merged[1:], strict=False):
        if s0 != s1:
            steps[s1].append(f1 - f0)
    every = steps["left"] + steps["right"]
    if not every:
        return steps, 0
    median = float(np.median(every))
    kept = {s: [d for d in v if median / max_ratio <= d <= median * max_ratio] for s, v in steps.items()}
    return kept, len(every) - len(kept["left"]) - len(kept["right"])


def _contacts(ctx: MeasureContext) -> dict[str, list[float]]:
    """Foot contacts per side: foot farthest ahead of the pelvis (side view) or foot coming to rest (front view)."""
    if ctx.kin.view is View.SIDE:
        prominence, apart = ctx.spec.param("contact_prominence"), ctx.frames(ctx.spec.param("min_step_s"))
        return {s: forward_peaks(ctx.s(f"ankle_forward_{s}_leg"), min_prominence=prominence, min_frames=apart)
                for s in ("left", "right")}
    low, high = ctx.spec.param("stance_speed_share"), ctx.spec.param("swing_speed_share")
    min_frames = ctx.frames(ctx.spec.param("min_stance_s"))
    return {s: contact_frames(ctx.s(f"ankle_speed_{s}_leg_per_s"), stance_share=low, swing_share=high,
                              min_frames=min_frames) for s in ("left", "right")}


def measure_gait(ctx: MeasureContext) -> Outcome:
    """Cadence and step-time asymmetry from foot contacts; knee range (side) or pelvic drop and lean (front)."""
    contacts = _contacts(ctx)
    steps, dropped = _step_times(contacts, max_ratio=ctx.spec.param("max_step_ratio"))
    warnings = [f"{dropped} step(s) more than {ctx.spec.param('max_step_ratio'):g}× longer or shorter than the median "
                "step were left out (the person was hidden, stopped, or a contact was spurious)"] if dropped else []
    n_steps = len(steps["left"]) + len(steps["right"])
    events = [_event(ctx, "contact", round(f), s) for s, frames in contacts.items() for f in frames]
    if n_steps < ctx.spec.param("min_steps") or not steps["left"] or not steps["right"]:
        reason = f"only {n_steps} step(s) found; walk at least four steps in view"
        refusal = (f"steps {n_steps} (left {len(steps['left'])}, right {len(steps['right'])}), expected at least "
                   f"{ctx.spec.param('min_steps'):g} with both feet stepping")
        return Outcome(_missing(ctx, reason), events, warnings, refusal=refusal)
    mean = {s: float(np.mean(v)) / ctx.fps for s, v in steps.items()}
    cadence = 120.0 / (mean["left"] + mean["right"])  # two steps per stride; unbiased by unequal step counts
    asym = abs(mean["left"] - mean["right"]) / ((mean["left"] + mean["right"]) / 2) * 100.0
    first = round(min(f for v in contacts.values() for f in v))
    note = f"{n_steps} steps"
    values = [RawValue("cadence_steps_per_min", "none", cadence, first, note=note),
              RawValue("step_time_asymmetry_pct", "none", asym, first, note=note)]
    merged = sorted((f, s) for s, frames in contacts.items() for f in frames)
    obliq = ctx.s("pelvic_obliquity_deg") - _median(ctx.s("pelvic_obliquity_deg"))
    lateral = ctx.s("trunk_lateral_deg") - _median(ctx.s("trunk_lateral_deg"))
    for side in ("left", "right"):
        knee = ctx.s(f"knee_flexion_{side}_deg")
        rng = float(np.nanpercentile(knee, 98) - np.nanpercentile(knee, 2)) if np.isfinite(knee).any() else np.nan
        values.append(_value("knee_flexion_range_deg", side, rng, None, f"{side} knee"))
        windows = [slice(round(f0), round(f1)) for (f0, s0), (f1, _) in zip(merged, merged[1:], strict=False)
                   if s0 == side]
        sign = _drop_sign(side)
        drops = [np.nanmax(sign * obliq[w]) for w in windows if np.isfinite(obliq[w]).any()]
        leans = [np.nanmax(lateral[w] * (1.0 if side == Side.LEFT else -1.0)) for w in windows
                 if np.isfinite(lateral[w]).any()]
        values.append(_value("pelvic_drop_deg", side, float(np.mean(drops)) if drops else np.nan, None, "hips"))
        values.append(_value("trunk_lean_deg", side, float(np.mean(leans)) if leans else np.nan, None, "trunk"))
    return Outcome(values, events, warnings, "both")


def measure_seated_trunk_rotation(ctx: MeasureContext) -> Outcome:
    """Peak shoulder-line rotation relative to the pelvis to each side (foreshortening estimate)."""
    rot = ctx.s("trunk_rotation_deg")
    values, events, warnings = [], [], []
    pelvis = ctx.s("pelvis_rotation_deg")
    if np.isfinite(pelvis).any() and np.nanmax(np.abs(pelvis)) > ctx.spec.param("pelvis_still_deg"):
        warnings.append(f"the pelvis turned up to {np.nanmax(np.abs(pelvis)):.0f}°: the rotation may include hip "
                        "rotation; keep the pelvis still (seated, feet flat)")
    for side, lowest in (("left", False), ("right", True)):
        frame = peak_frame(rot, lowest=lowest)
        if frame is None:
            values.append(RawValue("trunk_rotation_deg", side, None, reason="shoulders or hips not visible"))
            continue
        values.append(_value("trunk_rotation_deg", side, abs(float(rot[frame])), frame, "shoulders"))
        events.append(_event(ctx, f"peak_rotation_{side}", frame, side))
    return Outcome(values, events, warnings, "both")


def measure_seated_hip_ir(ctx: MeasureContext) -> Outcome:
    """Peak shank swing outward (hip internal rotation) of the given side, or of the side that moved more."""
    rest = slice(0, ctx.frames(0.5))
    warnings = []
    swing = {}
    for s in ("left", "right"):
        shank = ctx.s(f"shank_lateral_{s}_deg")
        base = _median(shank[rest])
        if not np.isfinite(base):
            warnings.append(f"{s} shank not seen at rest: internal rotation is read against a vertical shank")
            base = 0.0
        swing[s] = shank - base
    side = ctx.side or max(swing, key=lambda s: np.nanmax(swing[s]) if np.isfinite(swing[s]).any() else -1e9)
    peak = peak_frame(swing[side])
    if peak is None:
        return Outcome(_missing(ctx, f"{side} knee or ankle not visible", side), side=side)
    values = [_value("hip_ir_deg", side, float(swing[side][peak]), peak, f"{side} knee or ankle")]
    return Outcome(values, [_event(ctx, "peak_rotation", peak, side)], warnings, side)


MEASURES: dict[str, Callable[[MeasureContext], Outcome]] = {
    "single_leg_stance": measure_single_leg_stance,
    "single_leg_squat": measure_single_leg_squat,
    "squat": measure_squat,
    "overhead_reach": measure_overhead_reach,
    "gait": measure_gait,
    "seated_trunk_rotation": measure_seated_trunk_rotation,
    "seated_hip_ir": measure_seated_hip_ir,
}
