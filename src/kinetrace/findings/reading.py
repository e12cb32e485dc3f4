"""Read one measurement against one `InformRule`: abnormal, possible, indeterminate or normal.

The rule's threshold is widened by the measurement error (the test's gate, or the reading's own uncertainty
when larger): a value inside the band is indeterminate, never abnormal (clinical.md §0.2 rule 5, §F.9).
"""

from __future__ import annotations

from dataclasses import dataclass

from kinetrace.intake.measurements import Measurement
from kinetrace.knowledge.schema import ClinicalTest, InformRule
from kinetrace.values import ReadingState

__all__ = ["Reading", "ReadingState", "age_norm", "error_gate", "read_rule"]

_SEVERITY: dict[ReadingState, int] = {ReadingState.ABNORMAL: 3, ReadingState.POSSIBLE: 2,
                                      ReadingState.INDETERMINATE: 1, ReadingState.NORMAL: 0}


@dataclass(frozen=True)
class Reading:
    """What one measurement says under one rule, and why."""

    state: ReadingState
    reason: str
    sides: tuple[str, ...] = ()


def error_gate(test: ClinicalTest, m: Measurement) -> float:
    """Return the half-width of the error band in the test's unit.

    The method's own gate when the knowledge base gives one (lifts are more precise than tape), else the test's
    gate; widened to the reading's own uncertainty when that is larger (e.g. a photo measurement).
    """
    gate = test.measurement_error.gate if test.measurement_error else 0.0
    method = next((x for x in test.methods if x.id == m.method), None)
    if method is not None and method.gate is not None:
        gate = method.gate
    return max(gate, m.uncertainty or 0.0)


def age_norm(test: ClinicalTest, age: int, sex: str) -> float | None:
    """Return the normative value for this age (sex-specific band first, then 'any')."""
    for wanted in (sex, "any"):
        for band in test.age_norms:
            if band.sex == wanted and band.age_min <= age <= band.age_max:
                return band.value
    return None


def _threshold_state(value: float, rule: InformRule, threshold: float, gate: float) -> ReadingState:
    below = rule.when in ("below", "below_age_norm")
    beyond = value < threshold - gate if below else value > threshold + gate
    if beyond:
        return ReadingState.ABNORMAL
    if abs(value - threshold) <= gate:
        return ReadingState.INDETERMINATE
    if rule.borderline is not None:
        inside = value < rule.borderline if below else value > rule.borderline
        if inside:
            return ReadingState.POSSIBLE
    return ReadingState.NORMAL


def _numeric_sides(m: Measurement) -> list[tuple[str, float]]:
    if m.is_bilateral:
        return [(s, float(v)) for s, v in (("left", m.left), ("right", m.right)) if isinstance(v, int | float)]
    if m.value is not None:
        return [(str(m.side) if m.side else "single", m.value)]
    if m.count is not None:
        return [("single", float(m.count))]
    return []


def _read_threshold(test: ClinicalTest, rule: InformRule, m: Measurement, threshold: float, unit_text: str
                    ) -> Reading:
    gate = error_gate(test, m)
    sides = _numeric_sides(m)
    if not sides:
        return Reading(ReadingState.INDETERMINATE, "no numeric value to read")
    per_side = [(s, v, _threshold_state(v, rule, threshold, gate)) for s, v in sides]
    worst = max(per_side, key=lambda t: _SEVERITY[t[2]])
    word = "below" if rule.when in ("below", "below_age_norm") else "above"
    band = f" ± {gate:g}" if gate else ""
    state: ReadingState = worst[2]
    affected = tuple(s for s, _, st in per_side if st is ReadingState.ABNORMAL)
    reason = (f"{', '.join(f'{s} {v:g}' for s, v, _ in per_side)} {test.unit}; "
              f"abnormal when {word} {threshold:g}{band} {test.unit}{unit_text}")
    if rule.asymmetry is not None and len(sides) == 2:
        state, affected, reason = _with_asymmetry(rule, per_side, gate=gate, state=state, affected=affected,
                                                  reason=reason, unit=test.unit)
    return Reading(state, reason, affected)


def _with_asymmetry(rule: InformRule, per_side: list[tuple[str, float, ReadingState]], *, gate: float,
                    state: ReadingState, affected: tuple[str, ...], reason: str, unit: str
                    ) -> tuple[ReadingState, tuple[str, ...], str]:
    (s1, v1, _), (s2, v2, _) = per_side
    diff = abs(v1 - v2)
    below = rule.when in ("below", "below_age_norm")
    worse = (s1 if v1 < v2 else s2) if below else (s1 if v1 > v2 else s2)
    assert rule.asymmetry is not None
    reason += f"; side difference {diff:g} {unit} (abnormal at ≥ {rule.asymmetry:g}"
    reason += f" + {gate:g})" if gate else ")"
    if diff >= rule.asymmetry + gate:
        return ReadingState.ABNORMAL, tuple(sorted({*affected, worse})), reason
    # a difference no larger than the error itself says nothing about asymmetry
    if diff >= max(rule.asymmetry - gate, gate) and _SEVERITY[state] < _SEVERITY[ReadingState.INDETERMINATE]:
        return ReadingState.INDETERMINATE, affected, reason
    return state, affected, reason


def _read_labels(rule: InformRule, m: Measurement) -> Reading:
    if rule.when == "yes":
        labels = [(s, v) for s, v in (("left", m.left), ("right", m.right)) if isinstance(v, str)] or [
            ("single", m.answer or "unknown")]
        abnormal, normal = ["yes"], ["no"]
    else:
        labels = [(s, v) for s, v in (("left", m.left), ("right", m.right)) if isinstance(v, str)] or [
            ("single", m.category or "")]
        abnormal, normal = rule.abnormal, rule.normal
    states: list[tuple[str, str, ReadingState]] = []
    for side, label in labels:
        st = (ReadingState.ABNORMAL if label in abnormal else ReadingState.NORMAL if label in normal
              else ReadingState.INDETERMINATE)
        states.append((side, label, st))
    worst = max(states, key=lambda t: _SEVERITY[t[2]])
    shown = ", ".join(label if side == "single" else f"{side} {label}" for side, label, _ in states)
    return Reading(worst[2], f"{shown}; abnormal when {' or '.join(abnormal)}",
                   tuple(s for s, _, st in states if st is ReadingState.ABNORMAL and s != "single"))


def read_rule(test: ClinicalTest, rule: InformRule, m: Measurement, *, age: int, sex: str) -> Reading:
    """Return the reading of measurement `m` under `rule` (pure; no knowledge of other tests)."""
    if rule.when in ("category", "yes"):
        return _read_labels(rule, m)
    if rule.when == "at_least":
        count = m.count if m.count is not None else m.value
        if count is None:
            return Reading(ReadingState.INDETERMINATE, "no count given")
        assert rule.threshold is not None
        state = ReadingState.ABNORMAL if count >= rule.threshold else ReadingState.NORMAL
        return Reading(state, f"{count:g} positive; abnormal at ≥ {rule.threshold:g}")
    if rule.when == "below_age_norm":
        norm = age_norm(test, age, sex)
        if norm is None:
            return Reading(ReadingState.INDETERMINATE, f"no age norm for age {age}")
        assert rule.fraction is not None
        threshold = rule.fraction * norm
        text = f" ({rule.fraction:g} × age norm {norm:g} for age {age})"
        return _read_threshold(test, rule, m, threshold, text)
    assert rule.threshold is not None
    return _read_threshold(test, rule, m, rule.threshold, "")
