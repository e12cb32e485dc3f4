"""Which knowledge-base findings a 3-D trial may give: only those whose test protocol the trial shows.

A capture test (`hip_rotation`) is a movement; a knowledge-base test (`hip_ir_seated`) is that movement done in a
stated way (sitting, hips at about 90°). A finding is written only when the trial shows the protocol
(`capture/data/gates.yaml` protocols): hip flexion in the still window within the position's bounds, the pelvis
not travelling (and, where the protocol fixes it, not rotating), and per side a real excursion in the measured
direction from the still-window angle. A side without one is left out, with the reason; with no side left, no
finding is written and `Verdict.reason` says why in plain words (issue 9: refuse rather than guess).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kinetrace.capture.gate_data import Protocol, SideSpec, gate_data
from kinetrace.capture.gates import pelvis_travel_m

__all__ = ["TrialShape", "Verdict", "judge_protocol", "protocol_findings", "shape_of"]


@dataclass(frozen=True)
class TrialShape:
    """What a trial did, as the protocol checks read it (degrees, metres)."""

    angles: dict[str, np.ndarray]
    still: slice
    pelvis_travel_m: float


@dataclass(frozen=True)
class Verdict:
    """One knowledge-base test judged on one trial: its case-format values, or why none were made."""

    test_id: str
    values: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # no finding: why (one plain sentence)
    sides_left_out: dict[str, str] = field(default_factory=dict)  # side → why it is not reported


def _still_mean(series: np.ndarray, still: slice) -> float:
    return float(np.nanmean(series[still]))


def _position_problem(p: Protocol, shape: TrialShape) -> str | None:
    """Why the trial is not in the protocol's position, or None."""
    flex = [_still_mean(shape.angles[f"hip_flexion_{s}"], shape.still) for s in ("left", "right")]
    shown = f"hip flexion L {flex[0]:.0f}°, R {flex[1]:.0f}° in the still window"
    low, high = p.hip_flexion_deg.min, p.hip_flexion_deg.max
    if low is not None and min(flex) < low.value:
        return f"the person was standing ({shown}); {p.label} needs {p.needs} (hip flexion at least {low.value:g}°)"
    if high is not None and max(flex) > high.value:
        where = "seated or crouched" if p.position == "standing" else "flexed beyond the test position"
        return f"the hips were {where} ({shown}); {p.label} needs {p.needs} (hip flexion at most {high.value:g}°)"
    return None


def _pelvis_problem(p: Protocol, shape: TrialShape) -> str | None:
    """Why the pelvis did not stay as the protocol holds it, or None."""
    if shape.pelvis_travel_m > p.max_pelvis_travel_m.value:
        return (
            f"the pelvis travelled {shape.pelvis_travel_m:.2f} m during the trial; {p.label} needs {p.needs} "
            f"(pelvis travel at most {p.max_pelvis_travel_m.value:g} m)"
        )
    bound = p.max_pelvis_rotation_range_deg
    if bound is not None:
        rot = shape.angles["pelvic_rotation"]
        turned = float(np.nanmax(rot) - np.nanmin(rot))
        if turned > bound.value:
            return (
                f"the pelvis turned through {turned:.0f}°; {p.label} needs {p.needs} (pelvis rotation range "
                f"at most {bound.value:g}°)"
            )
    return None


def _side_value(p: Protocol, spec: SideSpec, side: str, shape: TrialShape) -> tuple[float | None, str | None]:
    """The side's end-range angle (deg, in the test's sign) or why the side is left out."""
    series = shape.angles[spec.angle]
    sign = 1.0 if spec.toward == "positive" else -1.0
    start = sign * _still_mean(series, shape.still)
    reached = float(np.nanmax(sign * series))
    excursion = reached - start
    need = p.min_excursion_deg.value if p.min_excursion_deg is not None else 0.0
    if not np.isfinite(excursion) or excursion < need:
        turned = max(excursion, 0.0) if np.isfinite(excursion) else float("nan")
        return None, (
            f"the {side} side turned only {turned:.0f}° toward {spec.movement} from its still-window "
            f"angle (at least {need:g}° expected)"
        )
    return round(reached, 1), None


def judge_protocol(p: Protocol, shape: TrialShape) -> Verdict:
    """Judge one knowledge-base test's protocol on a trial."""
    problem = _position_problem(p, shape) or _pelvis_problem(p, shape)
    if problem is not None:
        return Verdict(p.test_id, reason=problem)
    if p.value is not None:
        series = shape.angles[p.value.angle]
        single = _still_mean(series, shape.still) if p.value.statistic == "still_mean" else float(np.nanmax(series))
        return Verdict(p.test_id, values={"value": round(abs(single) if p.value.absolute else single, 2)})
    values: dict[str, float] = {}
    left_out: dict[str, str] = {}
    for side, spec in (p.sides or {}).items():
        value, why = _side_value(p, spec, side, shape)
        if value is not None:
            values[side] = value
        else:
            left_out[side] = why or ""
    if not values:
        return Verdict(p.test_id, reason="; ".join(left_out.values()), sides_left_out=left_out)
    return Verdict(p.test_id, values=values, sides_left_out=left_out)


def protocol_findings(
    test: str, shape: TrialShape, *, uncertainty: dict[str, float], entry: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], list[Verdict]]:
    """Case-format findings of the knowledge-base tests capture test `test` may feed, and every verdict.

    `entry` holds the fields each finding shares (method, source, unit); `uncertainty` maps a protocol's
    `uncertainty` key to degrees (`capture.validity.MEASUREMENT_ERROR_DEG`).
    """
    findings: dict[str, dict[str, Any]] = {}
    verdicts = [judge_protocol(p, shape) for p in gate_data().protocols_for(test)]
    protocols = {p.test_id: p for p in gate_data().protocols_for(test)}
    for v in verdicts:
        if v.reason is not None:
            continue
        item = {**entry, **v.values, "uncertainty": uncertainty[protocols[v.test_id].uncertainty]}
        if v.sides_left_out:
            item["note"] = "; ".join(f"{s} side not reported: {why}" for s, why in v.sides_left_out.items())
        findings[v.test_id] = item
    return findings, verdicts


def shape_of(angles: dict[str, np.ndarray], pts: np.ndarray, still: slice) -> TrialShape:
    """The trial's shape from its clinical angles and landmarks in the model frame."""
    return TrialShape(angles, still, pelvis_travel_m(pts, still))
