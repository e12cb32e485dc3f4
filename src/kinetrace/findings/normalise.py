"""Measurements → readings per impairment → one state per impairment (clinical.md §C conventions, §H.3).

States: present (primary criterion beyond measurement error), probable (primary criterion within error or
borderline plus a supporting sign, or two supporting signs), possible (one supporting sign, or a borderline primary),
indeterminate (inside the error band), absent (primary criterion normal beyond error), not_tested.

Several entries for one test are reconciled first: entries by the same method are averaged (repeat
measurements); entries by different methods are resolved in favour of the more valid method, and the resolution is
reported (`conflict_resolved_by_method`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import fmean

from kinetrace.findings.reading import error_gate, read_rule
from kinetrace.intake.measurements import CaseMeasurements, Measurement
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ClinicalTest, InformRule
from kinetrace.result import ConflictResolution, FindingResult, FindingState, ImpairmentStatus, TargetState
from kinetrace.values import ConflictKind, ReadingState, State

__all__ = ["NormalisedFindings", "TestReading", "normalise_findings"]

_UNRANKED_METHOD = 50
_PRIMARY_LABEL: dict[ReadingState, FindingState] = {
    ReadingState.ABNORMAL: State.PRESENT, ReadingState.POSSIBLE: State.POSSIBLE,
    ReadingState.INDETERMINATE: State.INDETERMINATE, ReadingState.NORMAL: State.ABSENT}
_SUPPORT_LABEL: dict[ReadingState, FindingState] = {
    ReadingState.ABNORMAL: State.POSSIBLE, ReadingState.POSSIBLE: State.POSSIBLE,
    ReadingState.INDETERMINATE: State.INDETERMINATE, ReadingState.NORMAL: State.ABSENT}


@dataclass(frozen=True)
class TestReading:
    """One test's reading for one impairment, with the likelihood pair reasoning will use."""

    test_id: str
    target: str
    role: str
    state: ReadingState
    likelihood: tuple[float, float] | None  # (P(reading | present), P(reading | absent)); None = no evidence
    reason: str
    sides: tuple[str, ...]


@dataclass(frozen=True)
class NormalisedFindings:
    """Everything the findings step produces for one case."""

    results: tuple[FindingResult, ...]
    readings: tuple[TestReading, ...]
    statuses: dict[str, ImpairmentStatus]
    measured_tests: frozenset[str]


def _method_rank(test: ClinicalTest, method: str | None) -> int:
    for m in test.methods:
        if m.id == method:
            return m.validity_rank
    return _UNRANKED_METHOD


def _average(entries: Sequence[Measurement]) -> Measurement:
    def mean_of(field: str) -> float | None:
        values = [getattr(e, field) for e in entries if isinstance(getattr(e, field), int | float)]
        return fmean(values) if values else None

    first = entries[0]
    return replace(first, left=mean_of("left") if first.left is not None else first.left,
                   right=mean_of("right") if first.right is not None else first.right,
                   value=mean_of("value") if first.value is not None else first.value)


def _reconcile(test: ClinicalTest, entries: Sequence[Measurement]) -> tuple[Measurement, ConflictResolution | None,
                                                                             list[dict[str, str]]]:
    if len(entries) == 1:
        return entries[0], None, []
    ranked = sorted(entries, key=lambda e: _method_rank(test, e.method))
    best_rank = _method_rank(test, ranked[0].method)
    best = [e for e in ranked if _method_rank(test, e.method) == best_rank]
    rest = [e for e in ranked if _method_rank(test, e.method) != best_rank]
    chosen = _average(best) if len(best) > 1 else best[0]
    names = {m.id: m.name for m in test.methods}
    kept = names.get(chosen.method or "", chosen.method or "unspecified method")
    if not rest:
        return chosen, ConflictResolution(kind=ConflictKind.SAME_METHOD_MEAN, kept=kept, averaged=len(best)), []
    dropped = sorted({names.get(e.method or "", e.method or "unspecified") for e in rest})
    resolution = ConflictResolution(kind=ConflictKind.RESOLVED_BY_METHOD, kept=kept, dropped=dropped,
                                    validity_rank=best_rank, averaged=len(best))
    discarded = [{"method": e.method or "unspecified", "path": e.path} for e in rest]
    return chosen, resolution, discarded


def _conflict_note(resolution: ConflictResolution | None) -> str | None:
    """Word a reconciliation the way reports have always shown it."""
    if resolution is None:
        return None
    if not resolution.is_conflict:
        return f"mean of {resolution.averaged} entries measured by the same method"
    return (f"{resolution.kind.value}: {resolution.kept} (validity rank {resolution.validity_rank}) preferred over "
            f"{', '.join(resolution.dropped)}; see clinical.md §H.3")


def _likelihood(kb: KnowledgeBase, rule: InformRule, state: ReadingState) -> tuple[float, float] | None:
    if state is ReadingState.INDETERMINATE:
        return None
    if rule.accuracy is not None:
        sens, spec = rule.accuracy.sensitivity, rule.accuracy.specificity
        if state is ReadingState.ABNORMAL:
            return sens, 1.0 - spec
        if state is ReadingState.NORMAL:
            return 1.0 - sens, spec
        return None
    pair = kb.model.default_likelihoods[rule.role][state]
    return pair[0], pair[1]


def _read_test(kb: KnowledgeBase, test: ClinicalTest, m: Measurement, *, age: int, sex: str
               ) -> tuple[list[TargetState], list[TestReading]]:
    targets: list[TargetState] = []
    readings: list[TestReading] = []
    for rule in test.informs:
        reading = read_rule(test, rule, m, age=age, sex=sex)
        label = (_PRIMARY_LABEL if rule.role == "primary" else _SUPPORT_LABEL)[reading.state]
        targets.append(TargetState(target=rule.target, role=rule.role, state=label, reason=reading.reason,
                                   rule=rule.rule, grade=rule.grade))
        readings.append(TestReading(test.id, rule.target, rule.role, reading.state,
                                    _likelihood(kb, rule, reading.state), reading.reason, reading.sides))
    return targets, readings


def _finding_result(test: ClinicalTest, m: Measurement, targets: list[TargetState], note: ConflictResolution | None,
                    discarded: list[dict[str, str]]) -> FindingResult:
    value: float | str | None = m.value
    if value is None:
        value = m.category if m.category is not None else m.count if m.count is not None else m.answer
    return FindingResult(test_id=test.id, name=test.name, unit=test.unit, left=m.left, right=m.right,
                         value=value, method=m.method, source=m.source, uncertainty=m.uncertainty,
                         error_gate=error_gate(test, m) or None, targets=targets,
                         conflict_resolution=_conflict_note(note), conflict=note,
                         discarded=discarded)


def _combine(kb: KnowledgeBase, node_id: str, readings: Sequence[TestReading]) -> ImpairmentStatus:
    node = kb.impairments[node_id]
    primaries = [r for r in readings if r.role == "primary"]
    supports = [r for r in readings
                if r.role == "supporting" and r.state in (ReadingState.ABNORMAL, ReadingState.POSSIBLE)]
    primary_states = {r.state for r in primaries}
    evidence = sorted({r.test_id for r in readings})
    conflict = ReadingState.ABNORMAL in primary_states and ReadingState.NORMAL in primary_states
    if conflict:
        reason = "primary tests disagree; counted as indeterminate until repeated with the more valid method"
        state: FindingState = State.PROBABLE if supports else State.INDETERMINATE
    elif ReadingState.ABNORMAL in primary_states:
        state, reason = State.PRESENT, "primary criterion met beyond measurement error"
    elif primary_states & {ReadingState.POSSIBLE, ReadingState.INDETERMINATE} and supports:
        state, reason = State.PROBABLE, "primary criterion borderline or within error, with a supporting sign"
    elif len(supports) >= 2:
        state, reason = State.PROBABLE, "two supporting signs"
    elif ReadingState.POSSIBLE in primary_states or supports:
        state, reason = State.POSSIBLE, "one supporting or borderline sign"
    elif ReadingState.INDETERMINATE in primary_states:
        state, reason = State.INDETERMINATE, "primary measure within the measurement-error band"
    elif ReadingState.NORMAL in primary_states:
        state, reason = State.ABSENT, "primary criterion normal beyond measurement error"
    elif readings:
        state, reason = State.INDETERMINATE, "only supporting signs checked, none abnormal"
    else:
        state, reason = State.NOT_TESTED, "no test done"
    return ImpairmentStatus(id=node_id, name=node.name, kind=node.kind.value, state=state, evidence=evidence,
                            reason=reason)


def normalise_findings(measurements: CaseMeasurements, kb: KnowledgeBase, *, age: int, sex: str
                       ) -> NormalisedFindings:
    """Turn a case's validated measurements into readings and impairment states (pure)."""
    results: list[FindingResult] = []
    readings: list[TestReading] = []
    for test_id in measurements.test_ids:
        test = kb.tests[test_id]
        chosen, note, discarded = _reconcile(test, measurements.for_test(test_id))
        targets, test_readings = _read_test(kb, test, chosen, age=age, sex=sex)
        results.append(_finding_result(test, chosen, targets, note, discarded))
        readings.extend(test_readings)
    by_node: dict[str, list[TestReading]] = {}
    for r in readings:
        by_node.setdefault(r.target, []).append(r)
    statuses = {n: _combine(kb, n, by_node.get(n, [])) for n in kb.impairments}
    return NormalisedFindings(results=tuple(results), readings=tuple(readings), statuses=statuses,
                              measured_tests=frozenset(measurements.test_ids))
