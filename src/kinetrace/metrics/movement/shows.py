"""Does the clip show the test? Per-test checks run before any metric is read (issue 9, item 6).

A squat shows both feet planted, the person staying in place, a knee bend (side view) and a descent followed by an
ascent; gait shows forward travel (side view) and steps; an overhead reach shows the arm rising above the head
without walking; the seated tests show a seated pose (thighs pointing at the camera). Every bound is a detection
parameter of the test in `movement_tests.yaml`; a failed check returns one line naming the check, the value and
what was expected, and the caller refuses the clip. (The single-leg stance's own check lives with its measure.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kinetrace.metrics.movement.events import deepest_frames, lift_intervals
from kinetrace.metrics.movement.measures import MeasureContext
from kinetrace.metrics.movement.signal import FloatArray
from kinetrace.metrics.movement.spec import View

__all__ = ["SHOWS", "does_not_show"]

_OTHER = {"left": "right", "right": "left"}


def _bound(ctx: MeasureContext, what: str, value: float, key: str, unit: str, *, at_least: bool) -> str | None:
    """One check against the detection parameter `key`: None when met (or unmeasurable), else the refusal line."""
    bound = ctx.spec.param(key)
    if not np.isfinite(value) or (value >= bound if at_least else value <= bound):
        return None
    word = "at least" if at_least else "at most"
    return f"{what} {value:.2f}{unit}, expected {word} {bound:g}{unit}"


def _range(series: FloatArray) -> float:
    """Spread of a series between its 5th and 95th percentiles (NaN when unseen)."""
    finite = series[np.isfinite(series)]
    return float(np.percentile(finite, 95) - np.percentile(finite, 5)) if finite.size else float("nan")


def _travel(ctx: MeasureContext) -> float:
    """How far the hips moved sideways across the image, in leg lengths."""
    return _range(ctx.s("hip_mid_x_leg"))


def _longest_lift_s(ctx: MeasureContext) -> float:
    """The longest time either foot was off the ground while the other stood (seconds)."""
    share, min_frames = ctx.spec.param("foot_lift_share"), ctx.frames(ctx.spec.param("min_lift_s"))
    longest = 0
    for stance in ("left", "right"):
        runs = lift_intervals(ctx.s(f"ankle_y_{stance}_leg"), ctx.s(f"ankle_y_{_OTHER[stance]}_leg"),
                              lift_share=share, min_frames=min_frames)
        longest = max([longest, *(b - a for a, b in runs)])
    return longest / ctx.fps


def _descent_ascent(ctx: MeasureContext) -> float:
    """The deepest repetition's smaller of descent and ascent of the hips, in leg lengths (0 when none)."""
    depth = ctx.s("hip_mid_y_leg")
    best = 0.0
    for f in deepest_frames(depth, min_prominence=ctx.spec.param("min_depth_share")):
        before, after = depth[: f + 1], depth[f:]
        if np.isfinite(before).any() and np.isfinite(after).any():
            best = max(best, float(min(depth[f] - np.nanmin(before), depth[f] - np.nanmin(after))))
    return best


def _first(*checks: Callable[[], str | None]) -> str | None:
    """The first failed check's line (checks are lazy so later ones run only when earlier ones pass)."""
    for check in checks:
        line = check()
        if line is not None:
            return line
    return None


def _not_walking(ctx: MeasureContext) -> str | None:
    return _bound(ctx, "sideways travel of the hips", _travel(ctx), "max_travel_leg", " leg lengths",
                  at_least=False)


def _descends_and_rises(ctx: MeasureContext) -> str | None:
    return _bound(ctx, "hip descent and return", _descent_ascent(ctx), "min_depth_share", " leg lengths",
                  at_least=True)


def _squat(ctx: MeasureContext) -> str | None:
    def planted() -> str | None:
        return _bound(ctx, "one foot lifted for", _longest_lift_s(ctx), "max_lift_s", " s", at_least=False)

    def knee_bend() -> str | None:
        if ctx.kin.view is not View.SIDE:
            return None
        side = ctx.side or ctx.kin.near_side
        return _bound(ctx, "knee-flexion excursion", _range(ctx.s(f"knee_flexion_{side}_deg")),
                      "min_knee_excursion_deg", "°", at_least=True)

    return _first(lambda: _not_walking(ctx), planted, knee_bend, lambda: _descends_and_rises(ctx))


def _single_leg_squat(ctx: MeasureContext) -> str | None:
    def one_foot_up() -> str | None:
        return _bound(ctx, "longest time on one foot", _longest_lift_s(ctx), "min_lift_s", " s", at_least=True)

    return _first(lambda: _not_walking(ctx), one_foot_up, lambda: _descends_and_rises(ctx))


def _overhead_reach(ctx: MeasureContext) -> str | None:
    side = ctx.side or ctx.kin.near_side
    flex = ctx.s(f"shoulder_flexion_{side}_deg")  # side view only; NaN elsewhere (that check is then skipped)
    above = np.fmax(ctx.s("wrist_above_nose_left_leg"), ctx.s("wrist_above_nose_right_leg"))
    finite = above[np.isfinite(above)]
    highest = float(np.percentile(finite, 98)) if finite.size else float("nan")

    def above_head() -> str | None:
        return _bound(ctx, "highest wrist above the nose", highest, "min_wrist_above_nose_leg", " leg lengths",
                      at_least=True)

    def rises() -> str | None:
        return _bound(ctx, f"{side} shoulder-flexion range", _range(flex), "min_rise_deg", "°", at_least=True)

    return _first(lambda: _not_walking(ctx), above_head, rises)


def _gait(ctx: MeasureContext) -> str | None:
    if ctx.kin.view is not View.SIDE:
        return None  # walking toward the camera: the steps (counted by the measure) are the check
    return _bound(ctx, "forward travel of the hips", _travel(ctx), "min_travel_leg", " leg lengths", at_least=True)


def _seated(ctx: MeasureContext) -> str | None:
    both = np.concatenate([ctx.s(f"thigh_drop_{s}_share") for s in ("left", "right")])
    finite = both[np.isfinite(both)]
    median = float(np.median(finite)) if finite.size else float("nan")
    return _first(lambda: _bound(ctx, "knee drop below the hip (share of hip-to-ankle height)", median,
                                 "max_thigh_drop_share", "", at_least=False),
                  lambda: _not_walking(ctx))


SHOWS: dict[str, Callable[[MeasureContext], str | None]] = {
    "single_leg_squat": _single_leg_squat,
    "squat": _squat,
    "overhead_reach": _overhead_reach,
    "gait": _gait,
    "seated_trunk_rotation": _seated,
    "seated_hip_ir": _seated,
}


def does_not_show(test: str, ctx: MeasureContext) -> str | None:
    """Why the clip does not show `test` (one line: check, value, expected), or None when it does."""
    check = SHOWS.get(test)
    return None if check is None else check(ctx)
