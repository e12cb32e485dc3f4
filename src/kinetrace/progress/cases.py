"""Compare two case files directly (before either is assessed): their findings, validated and in canonical units."""

from __future__ import annotations

from collections.abc import Sequence

from kinetrace.intake.case import Case
from kinetrace.intake.measurements import Measurement
from kinetrace.intake.validate import validate_case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ClinicalTest
from kinetrace.progress.change import Progress, compare_findings
from kinetrace.result import FindingResult

__all__ = ["compare_cases"]


def compare_cases(before: Case, after: Case, kb: KnowledgeBase) -> Progress:
    """Compare the findings of two cases test by test against measurement error.

    Both cases are validated first (units converted to each test's own unit). Where a test was measured by
    several methods, the entry taken by the most valid method (the test's `methods` ranking) is compared.

    Raises:
        InputError: either case fails validation (the message names the field).
    """
    first = _findings(validate_case(before, kb, source="before").measurements, kb)
    second = _findings(validate_case(after, kb, source="after").measurements, kb)
    return compare_findings(first, second, kb)


def _findings(measurements: Sequence[Measurement], kb: KnowledgeBase) -> list[FindingResult]:
    chosen: dict[str, Measurement] = {}
    for m in measurements:
        test = kb.tests[m.test_id]
        current = chosen.get(m.test_id)
        if current is None or _rank(test, m.method) < _rank(test, current.method):
            chosen[m.test_id] = m
    return [_as_finding(m, kb.tests[m.test_id]) for m in chosen.values()]


def _rank(test: ClinicalTest, method: str | None) -> int:
    ranks = {m.id: m.validity_rank for m in test.methods}
    return ranks.get(method or "", len(ranks) + 1)


def _as_finding(m: Measurement, test: ClinicalTest) -> FindingResult:
    value: float | str | None = m.value
    if value is None:
        value = m.category if m.category is not None else m.answer
    if value is None and m.count is not None:
        value = float(m.count)
    return FindingResult(test_id=m.test_id, name=test.name, unit=m.unit, left=m.left, right=m.right, value=value,
                         method=m.method, source=m.source, uncertainty=m.uncertainty)
