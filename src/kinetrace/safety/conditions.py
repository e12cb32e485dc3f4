"""Evaluate a red-flag `Condition` tree against the facts of one case, keeping the reasons it held.

A condition is a small boolean expression (see `knowledge.schema.Condition`): leaves test one answer, the
patient's age or sex, the pain map or a finding; `any`, `all`, `not` and `count_at_least` combine them.
The evaluation returns whether it holds and, when it does, the plain reasons ("saddle_numbness: yes",
"age 72 ≥ 70") that a flag shows as "why it fired".

An unanswered question is neither `yes` nor `unknown`: missing answers are handled by the screen itself
(`request_red_flag_screen`), not by the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kinetrace.errors import InputError
from kinetrace.intake.case import Answer, Case, FindingInput
from kinetrace.knowledge.schema import Condition
from kinetrace.units import convert

if TYPE_CHECKING:
    from kinetrace.knowledge.load import KnowledgeBase

__all__ = ["CaseFacts", "Evaluation", "case_facts", "evaluate"]


@dataclass(frozen=True)
class CaseFacts:
    """What red-flag conditions look at: answers, age, sex, pain map and the largest result of each test."""

    answers: Mapping[str, Answer]
    age: int
    sex: str
    pain_regions: frozenset[str] = frozenset()
    longest_duration_weeks: float | None = None
    findings: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """Whether a condition holds, and the reasons when it does."""

    holds: bool
    reasons: tuple[str, ...] = ()


_FALSE = Evaluation(False)


def case_facts(case: Case, kb: KnowledgeBase | None = None) -> CaseFacts:
    """Collect the facts of a case that conditions read.

    Findings become one number per test: the count, the value, or the larger of left/right; converted to the
    test's unit when the knowledge base knows the test and the entry gives a convertible unit.
    """
    durations = [p.duration_weeks for p in case.pain]
    return CaseFacts(
        answers=dict(case.red_flags),
        age=case.patient.age,
        sex=case.patient.sex,
        pain_regions=frozenset(p.region for p in case.pain),
        longest_duration_weeks=max(durations) if durations else None,
        findings=_finding_numbers(case, kb),
    )


def _finding_numbers(case: Case, kb: KnowledgeBase | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for test_id in case.findings:
        target = kb.tests[test_id].unit if kb is not None and test_id in kb.tests else None
        numbers = [n for entry in case.finding_list(test_id) for n in _entry_numbers(entry, target)]
        if numbers:
            out[test_id] = max(numbers)
    return out


def _entry_numbers(entry: FindingInput, target_unit: str | None) -> list[float]:
    if entry.count is not None:
        return [float(entry.count)]
    raw = [v for v in (entry.value, entry.left, entry.right) if isinstance(v, int | float)]
    if entry.unit is None or target_unit is None:
        return [float(v) for v in raw]
    try:
        return [convert(float(v), entry.unit, target_unit) for v in raw]
    except InputError:
        return [float(v) for v in raw]  # a wrong unit is reported by intake.validate; keep the number as written


def evaluate(condition: Condition, facts: CaseFacts) -> Evaluation:
    """Return whether `condition` holds for `facts`, with the reasons (leaves that held) when it does.

    >>> from kinetrace.knowledge.schema import Condition
    >>> facts = CaseFacts(answers={"fever": "yes"}, age=72, sex="male")
    >>> evaluate(Condition.model_validate({"all": [{"yes": "fever"}, {"age_at_least": 70}]}), facts)
    Evaluation(holds=True, reasons=('fever: yes', 'age 72 ≥ 70'))
    """
    if condition.any is not None:
        held = [e for e in (evaluate(c, facts) for c in condition.any) if e.holds]
        return Evaluation(True, _merge(held)) if held else _FALSE
    if condition.all is not None:
        parts = [evaluate(c, facts) for c in condition.all]
        return Evaluation(True, _merge(parts)) if all(p.holds for p in parts) else _FALSE
    if condition.not_ is not None:
        return _FALSE if evaluate(condition.not_, facts).holds else Evaluation(True)
    if condition.count_at_least is not None:
        held = [e for e in (evaluate(c, facts) for c in condition.count_at_least.of) if e.holds]
        return Evaluation(True, _merge(held)) if len(held) >= condition.count_at_least.n else _FALSE
    return _leaf(condition, facts)


def _merge(parts: list[Evaluation]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r for p in parts for r in p.reasons))


def _leaf(condition: Condition, facts: CaseFacts) -> Evaluation:  # noqa: PLR0911 (one return per leaf kind)
    if condition.yes is not None:
        return _when(facts.answers.get(condition.yes) == "yes", f"{condition.yes}: yes")
    if condition.unknown is not None:
        return _when(facts.answers.get(condition.unknown) == "unknown", f"{condition.unknown}: unknown")
    if condition.age_at_least is not None:
        return _when(facts.age >= condition.age_at_least, f"age {facts.age} ≥ {condition.age_at_least}")
    if condition.age_below is not None:
        return _when(facts.age < condition.age_below, f"age {facts.age} < {condition.age_below}")
    if condition.sex is not None:
        return _when(facts.sex == condition.sex, f"sex {facts.sex}")
    if condition.pain_in is not None:
        regions = [r for r in condition.pain_in if r in facts.pain_regions]
        return _when(bool(regions), "pain in " + ", ".join(regions))
    if condition.duration_weeks_at_least is not None:
        weeks = facts.longest_duration_weeks
        limit = condition.duration_weeks_at_least
        if weeks is None or weeks < limit:
            return _FALSE
        return Evaluation(True, (f"pain for {weeks:g} weeks (≥ {limit:g})",))
    if condition.finding_at_least is not None:
        return _findings_at_least(condition.finding_at_least, facts)
    return _FALSE


def _findings_at_least(thresholds: Mapping[str, float], facts: CaseFacts) -> Evaluation:
    reasons = []
    for test_id, limit in thresholds.items():
        got = facts.findings.get(test_id)
        if got is None or got < limit:
            return _FALSE
        reasons.append(f"{test_id} {got:g} ≥ {limit:g}")
    return Evaluation(True, tuple(reasons))


def _when(holds: bool, reason: str) -> Evaluation:
    return Evaluation(True, (reason,)) if holds else _FALSE
