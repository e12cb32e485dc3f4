"""Measurements → readings per impairment → one state per impairment (clinical.md §C conventions, §H.3).

States: present (primary criterion beyond measurement error), probable (primary criterion within error or
borderline plus a supporting sign, or two supporting signs), possible (one supporting sign, or a borderline primary),
indeterminate (inside the error band), absent (primary criterion normal beyond error), not_tested.

Several entries for one test are reconciled first: entries by the same method are averaged (repeat
measurements); entries by different methods are resolved in favour of the more valid method, and the resolution is
reported (`conflict_resolved_by_method`).

Photo and video proxies (`model.yaml: proxy_confirmation`) never outvote a clinician: when a test has a
hand-entered entry, it is read from those alone and each proxy is listed beside it (`discarded`, with its value and
whether it disagrees beyond error). Proxy entries flagged `review: needs_review/refused` never enter; a photo value
enters only when the confirmation rule is met (seen on enough photos that agree within the test's error), otherwise
the finding is shown with `evidence: to_confirm` and gives no reading; `validated: false` caps readings at possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import fmean
from typing import Literal

from kinetrace.findings.reading import error_gate, read_rule
from kinetrace.intake.measurements import CaseMeasurements, Measurement
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ClinicalTest, InformRule
from kinetrace.result import ConflictResolution, FindingResult, FindingState, ImpairmentStatus, TargetState
from kinetrace.values import ConflictKind, ReadingState, State

__all__ = ["NormalisedFindings", "TestReading", "normalise_findings"]

_UNRANKED_METHOD = 50
_FLAGGED = frozenset({"needs_review", "refused"})
# A reading from a measurement without a validated error counts as "possible" at most (issue 9, item 3).
_CAP: dict[ReadingState, ReadingState] = {ReadingState.ABNORMAL: ReadingState.POSSIBLE,
                                          ReadingState.NORMAL: ReadingState.INDETERMINATE}
EvidenceUse = Literal["used", "to_confirm", "needs_review"]
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


@dataclass(frozen=True)
class _Choice:
    """The entry a test is read from, how it was chosen, and whether it may be evidence."""

    entry: Measurement
    resolution: ConflictResolution | None
    discarded: list[dict[str, str]]
    evidence: EvidenceUse = "used"
    evidence_note: str | None = None
    capped: bool = False
    extra_note: str | None = None

    @property
    def note(self) -> str | None:
        """The reconciliation in words."""
        parts = [p for p in (_conflict_note(self.resolution), self.extra_note) if p]
        return "; ".join(parts) or None


def _shown(m: Measurement) -> str:
    parts = [f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
             for k, v in (("left", m.left), ("right", m.right), ("value", m.value)) if v is not None]
    return ", ".join(parts) or "no value"


def _numbers(m: Measurement) -> dict[str, float]:
    return {k: v for k, v in (("left", m.left), ("right", m.right), ("value", m.value)) if isinstance(v, float)}


def _differs(test: ClinicalTest, a: Measurement, b: Measurement) -> bool:
    """True when two entries disagree beyond the test's error gate (categories: when they differ at all)."""
    gate = test.measurement_error.gate if test.measurement_error is not None else 0.0
    na, nb = _numbers(a), _numbers(b)
    shared = na.keys() & nb.keys()
    if shared:
        return any(abs(na[k] - nb[k]) > gate for k in shared)
    return _shown(a) != _shown(b)


def _hand_over_proxy(test: ClinicalTest, hand: Sequence[Measurement], proxies: Sequence[Measurement]) -> _Choice:
    chosen, resolution, discarded = _reconcile(test, hand)
    disagree = [p for p in proxies if _differs(test, chosen, p)]
    for p in proxies:
        discarded.append({"method": p.method or "unspecified", "path": p.path, "value": _shown(p),
                          "reason": "disagrees beyond error; the directly measured value stands" if p in disagree
                          else "agrees within error with the directly measured value"})
    if not disagree:
        return _Choice(chosen, resolution, discarded)
    names = {m.id: m.name for m in test.methods}
    kept = names.get(chosen.method or "", chosen.method or "entered by hand")
    dropped = sorted({names.get(p.method or "", p.method or "proxy") for p in disagree})
    stands = ConflictResolution(kind=ConflictKind.HAND_ENTERED_STANDS, kept=kept, dropped=dropped,
                                averaged=resolution.averaged if resolution is not None else 1)
    shown = "; ".join(f"{p.method or 'proxy'}: {_shown(p)}" for p in disagree)
    how = "entered by hand" if chosen.method is None else f"measured by {kept}"
    extra = (f"{ConflictKind.HAND_ENTERED_STANDS.value}: {_shown(chosen)} {how} stands; the proxy "
             f"disagrees beyond error ({shown}); both are shown")
    return _Choice(chosen, stands if resolution is None or not resolution.is_conflict else resolution, discarded,
                   extra_note=extra)


def _photo_agreement(test: ClinicalTest, photos: Sequence[Measurement]) -> tuple[int, float | None]:
    """Return how many photos show the value and the largest spread between them (None: not known)."""
    count = sum(p.photos or 1 for p in photos)
    spreads = [p.spread for p in photos if p.spread is not None]
    if any((p.photos or 1) >= 2 and p.spread is None for p in photos):
        return count, None
    for key in ("left", "right", "value"):
        values = [v for p in photos if isinstance(v := getattr(p, key), float)]
        if len(values) >= 2:
            spreads.append(max(values) - min(values))
    return count, max(spreads, default=0.0)


def _choose(kb: KnowledgeBase, test: ClinicalTest, entries: Sequence[Measurement]) -> _Choice:
    """Pick the entry to read: hand over proxy, flagged entries out, photos only under the confirmation rule."""
    rule = kb.model.proxy_confirmation
    if rule is None:
        chosen, resolution, discarded = _reconcile(test, entries)
        return _Choice(chosen, resolution, discarded)
    proxy = set(rule.proxy_methods)
    hand = [e for e in entries if e.method not in proxy]
    usable = [e for e in entries if e.method in proxy and e.review not in _FLAGGED]
    flagged = [e for e in entries if e.method in proxy and e.review in _FLAGGED]
    if hand:
        choice = _hand_over_proxy(test, hand, usable)
        choice.discarded.extend({"method": e.method or "unspecified", "path": e.path, "value": _shown(e),
                                 "reason": f"{(e.review or '').replace('_', ' ')}: kept out of the reasoning"}
                                for e in flagged)
        return choice
    if not usable:
        why = "; ".join(dict.fromkeys(f"{e.method or 'proxy'} {e.review.replace('_', ' ')}" for e in flagged
                                      if e.review))
        return _Choice(flagged[0], None, [], "needs_review", f"{why}: kept out of the reasoning")
    chosen, resolution, discarded = _reconcile(test, usable)
    photos = [e for e in usable if e.method in rule.photo_methods]
    if photos and len(photos) == len(usable):
        count, spread = _photo_agreement(test, photos)
        gate = test.measurement_error.gate if test.measurement_error is not None else 0.0
        if count < rule.min_agreeing_photos or spread is None or spread > gate:
            seen = (f"seen on {count} photo(s)" if spread is None or count < rule.min_agreeing_photos
                    else f"{count} photos differ by {spread:g} {test.unit}, more than the error {gate:g} {test.unit}")
            if spread is None and count >= rule.min_agreeing_photos:
                seen += " whose agreement was not reported"
            return _Choice(chosen, resolution, discarded, "to_confirm",
                           f"to confirm: {seen}; the rule needs {rule.min_agreeing_photos} photos that agree "
                           f"within {gate:g} {test.unit} ({rule.grade})")
    if any(e.validated is False for e in usable):
        return _Choice(chosen, resolution, discarded, "used", "not validated: counts as possible at most", capped=True)
    return _Choice(chosen, resolution, discarded)


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


def _read_test(kb: KnowledgeBase, test: ClinicalTest, m: Measurement, *, age: int, sex: str,
               capped: bool = False) -> tuple[list[TargetState], list[TestReading]]:
    targets: list[TargetState] = []
    readings: list[TestReading] = []
    for rule in test.informs:
        reading = read_rule(test, rule, m, age=age, sex=sex)
        if capped and reading.state in _CAP:
            reading = replace(reading, state=_CAP[reading.state],
                              reason=f"{reading.reason} (not validated: possible at most)")
        label = (_PRIMARY_LABEL if rule.role == "primary" else _SUPPORT_LABEL)[reading.state]
        targets.append(TargetState(target=rule.target, role=rule.role, state=label, reason=reading.reason,
                                   rule=rule.rule, grade=rule.grade))
        readings.append(TestReading(test.id, rule.target, rule.role, reading.state,
                                    _likelihood(kb, rule, reading.state), reading.reason, reading.sides))
    return targets, readings


def _finding_result(test: ClinicalTest, choice: _Choice, targets: list[TargetState]) -> FindingResult:
    m = choice.entry
    value: float | str | None = m.value
    if value is None:
        value = m.category if m.category is not None else m.count if m.count is not None else m.answer
    return FindingResult(test_id=test.id, name=test.name, unit=test.unit, left=m.left, right=m.right,
                         value=value, method=m.method, source=m.source, uncertainty=m.uncertainty,
                         error_gate=error_gate(test, m) or None, targets=targets,
                         conflict_resolution=choice.note, conflict=choice.resolution, discarded=choice.discarded,
                         evidence=choice.evidence, evidence_note=choice.evidence_note, landmarks_confirmed=m.confirmed)


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
        choice = _choose(kb, test, measurements.for_test(test_id))
        if choice.evidence != "used":
            results.append(_finding_result(test, choice, []))
            continue
        targets, test_readings = _read_test(kb, test, choice.entry, age=age, sex=sex, capped=choice.capped)
        results.append(_finding_result(test, choice, targets))
        readings.extend(test_readings)
    by_node: dict[str, list[TestReading]] = {}
    for r in readings:
        by_node.setdefault(r.target, []).append(r)
    statuses = {n: _combine(kb, n, by_node.get(n, [])) for n in kb.impairments}
    return NormalisedFindings(results=tuple(results), readings=tuple(readings), statuses=statuses,
                              measured_tests=frozenset(measurements.test_ids))
