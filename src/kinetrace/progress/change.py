"""Reassessment: is a change between two visits real, or within the test's measurement error?

Each test result of the first visit is compared with the same test and side at the second visit. A numeric
change counts only when it exceeds the smallest detectable change of the test, taken from the knowledge base
(`ClinicalTest.measurement_error`, clinical.md §F.9) and, for photo measures, from the uncertainty each
measurement carries. Which way is "better" comes from the test's own reading rules (`informs`): a test read as
abnormal *below* a threshold improves when it rises. Nothing here is a clinical number; all of it is data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from kinetrace.knowledge.schema import ClinicalTest, InformRule
from kinetrace.result import Assessment, FindingResult

__all__ = [
    "ChangeVerdict",
    "Direction",
    "Progress",
    "TestChange",
    "compare_assessments",
    "compare_findings",
    "detectable_change",
]

ChangeVerdict = Literal[
    "improved", "worsened", "within_measurement_error", "unchanged", "changed", "not_comparable"]
Direction = Literal["higher_is_better", "lower_is_better", "unknown"]

# z for a two-sided 95 % interval; the standard MDC95 = z · √2 · SEM (statistics, not a clinical figure).
_Z95 = 1.959963984540054


class _KnowsTests(Protocol):
    """Anything with the knowledge base's `tests` mapping (the real KnowledgeBase, or a test double)."""

    @property
    def tests(self) -> Mapping[str, ClinicalTest]: ...


class TestChange(BaseModel):
    """One test on one side (or the side-to-side difference) compared across two visits."""

    model_config = ConfigDict(frozen=True)
    __test__ = False  # not a pytest test class, despite the name

    test_id: str
    name: str
    unit: str
    part: Literal["left", "right", "value", "asymmetry"] = Field(
        description="which reading: a side, the single value, or |left − right|")
    before: float | str | None
    after: float | str | None
    change: float | None = Field(None, description="after − before, in `unit`; None for categories")
    detectable_change: float | None = Field(None, description="smallest change beyond measurement error")
    error_basis: str = Field("", description="where the detectable change comes from, with references")
    refs: list[str] = Field(default_factory=list)
    direction: Direction = "unknown"
    verdict: ChangeVerdict
    text: str = Field(description="one plain sentence a clinician can read aloud")

    @property
    def is_within_error(self) -> bool:
        """True when the change does not exceed measurement error."""
        return self.verdict == "within_measurement_error"


class Progress(BaseModel):
    """All test-by-test changes between two visits, with counts by verdict."""

    model_config = ConfigDict(frozen=True)

    changes: list[TestChange]
    only_before: list[str] = Field(default_factory=list, description="test ids only in the first visit")
    only_after: list[str] = Field(default_factory=list, description="test ids only in the second visit")
    kb_version_before: str | None = None
    kb_version_after: str | None = None

    def count(self, verdict: ChangeVerdict) -> int:
        """Return how many changes have this verdict."""
        return sum(1 for c in self.changes if c.verdict == verdict)

    @property
    def improved(self) -> list[TestChange]:
        """Changes beyond error in the better direction."""
        return [c for c in self.changes if c.verdict == "improved"]

    @property
    def worsened(self) -> list[TestChange]:
        """Changes beyond error in the worse direction."""
        return [c for c in self.changes if c.verdict == "worsened"]


def detectable_change(test: ClinicalTest) -> tuple[float, str] | None:
    """Smallest real change between two visits for `test`, in its unit, with a sentence saying why.

    An MDC is used as published. An SEM becomes an MDC95 (1.96 · √2 · SEM). Any other error band (a clinical
    error or design default for one measurement) is widened by √2, because a change is the difference of two
    measurements. Returns None when the knowledge base gives the test no error figure.
    """
    err = test.measurement_error
    if err is None:
        return None
    refs = f" [{', '.join(err.refs)}]" if err.refs else ""
    if err.kind == "mdc":
        return err.gate, f"MDC {err.gate:g} {test.unit}{refs}"
    if err.kind == "sem":
        mdc = _Z95 * math.sqrt(2.0) * err.gate
        return mdc, f"MDC95 from SEM {err.gate:g} {test.unit} (1.96·√2·SEM){refs}"
    widened = math.sqrt(2.0) * err.gate
    label = "design default" if err.kind == "design_default" else "measurement error"
    return widened, f"√2 × {label} ±{err.gate:g} {test.unit} of one measurement{refs}"


def direction_of(test: ClinicalTest) -> Direction:
    """Which way is better for `test`, read from its primary reading rules; 'unknown' if they disagree."""
    found = {d for d in (_rule_direction(r) for r in test.informs if r.role == "primary") if d != "unknown"}
    if not found:
        found = {d for d in (_rule_direction(r) for r in test.informs) if d != "unknown"}
    return found.pop() if len(found) == 1 else "unknown"


def _rule_direction(rule: InformRule) -> Direction:
    if rule.when in {"below", "below_age_norm"}:
        return "higher_is_better"
    if rule.when in {"above", "at_least"}:
        return "lower_is_better"
    return "unknown"


def _asymmetry_rule(test: ClinicalTest) -> bool:
    return any(r.asymmetry is not None for r in test.informs)


def compare_assessments(before: Assessment, after: Assessment, kb: _KnowsTests) -> Progress:
    """Compare the findings of two assessments of one person, test by test, against measurement error.

    Tests missing from the knowledge base are compared without an error band (verdict 'changed' or
    'unchanged'), never dropped.
    """
    progress = compare_findings(before.findings, after.findings, kb)
    versions = {"kb_version_before": before.kb_version, "kb_version_after": after.kb_version}
    return progress.model_copy(update=versions)


def compare_findings(
    before: Sequence[FindingResult], after: Sequence[FindingResult], kb: _KnowsTests
) -> Progress:
    """Compare two visits' findings test by test; see the module docstring for the rules."""
    first = _by_test(before)
    second = _by_test(after)
    changes: list[TestChange] = []
    for test_id in [t for t in first if t in second]:
        changes.extend(_compare_test(first[test_id], second[test_id], kb.tests.get(test_id)))
    return Progress(
        changes=changes,
        only_before=[t for t in first if t not in second],
        only_after=[t for t in second if t not in first],
    )


def _by_test(findings: Sequence[FindingResult]) -> dict[str, FindingResult]:
    out: dict[str, FindingResult] = {}
    for f in findings:
        out.setdefault(f.test_id, f)  # the façade lists the retained entry first
    return out


def _compare_test(a: FindingResult, b: FindingResult, test: ClinicalTest | None) -> list[TestChange]:
    parts: list[Literal["left", "right", "value"]] = ["left", "right", "value"]
    rows = [
        _compare_part(a, b, test, part=part, x=getattr(a, part), y=getattr(b, part))
        for part in parts
        if getattr(a, part) is not None and getattr(b, part) is not None
    ]
    if test is not None and _asymmetry_rule(test):
        gap_a, gap_b = _asymmetry(a), _asymmetry(b)
        if gap_a is not None and gap_b is not None:
            rows.append(_compare_numbers(a, b, test, part="asymmetry", x=gap_a, y=gap_b,
                                         direction="lower_is_better"))
    return rows


def _asymmetry(f: FindingResult) -> float | None:
    if isinstance(f.left, int | float) and isinstance(f.right, int | float):
        return abs(float(f.left) - float(f.right))
    return None


def _compare_part(
    a: FindingResult,
    b: FindingResult,
    test: ClinicalTest | None,
    *,
    part: Literal["left", "right", "value"],
    x: float | str,
    y: float | str,
) -> TestChange:
    if isinstance(x, int | float) and isinstance(y, int | float):
        if a.unit != b.unit:
            return _row(a, part, x, y, verdict="not_comparable",
                        text=f"{a.name}: units differ ({a.unit} then {b.unit}); not compared.")
        direction = direction_of(test) if test is not None else "unknown"
        return _compare_numbers(a, b, test, part=part, x=float(x), y=float(y), direction=direction)
    return _compare_labels(a, test, part, str(x), str(y))


def _compare_numbers(
    a: FindingResult,
    b: FindingResult,
    test: ClinicalTest | None,
    *,
    part: Literal["left", "right", "value", "asymmetry"],
    x: float,
    y: float,
    direction: Direction,
) -> TestChange:
    delta = y - x
    band = _error_band(a, b, test)
    label = _label(a, part)
    unit = _unit_text(a.unit)
    moved = f"{_fmt(x)}{unit} → {_fmt(y)}{unit} ({delta:+.1f}{unit})"
    method_note = _method_note(a, b)
    if band is None:
        verdict: ChangeVerdict = "unchanged" if delta == 0 else "changed"
        text = f"{label}: {moved}; no error figure in the knowledge base, so not judged.{method_note}"
        return _row(a, part, x, y, verdict=verdict, text=text, change=delta, direction=direction)
    size, basis = band
    error = test.measurement_error if test is not None else None
    refs = list(error.refs) if error is not None else []
    if abs(delta) <= size:
        verdict = "within_measurement_error"
        text = f"{label}: {moved}; within measurement error (±{size:.1f}{unit})."
    elif direction == "unknown":
        verdict = "changed"
        text = f"{label}: {moved}; beyond measurement error (±{size:.1f}{unit}), direction not graded."
    else:
        better = (delta > 0) == (direction == "higher_is_better")
        verdict = "improved" if better else "worsened"
        text = f"{label}: {moved}; beyond measurement error (±{size:.1f}{unit}): {verdict}."
    return _row(a, part, x, y, verdict=verdict, text=text + method_note, change=delta, direction=direction,
                detectable=size, basis=basis, refs=refs)


def _error_band(a: FindingResult, b: FindingResult, test: ClinicalTest | None) -> tuple[float, str] | None:
    """The larger of the knowledge-base detectable change and the combined photo uncertainty."""
    kb_band = detectable_change(test) if test is not None else None
    if a.uncertainty is None or b.uncertainty is None:
        return kb_band
    photo = math.hypot(a.uncertainty, b.uncertainty)
    if kb_band is None or photo > kb_band[0]:
        unit = _unit_text(a.unit)
        return photo, f"combined measurement uncertainty ±{a.uncertainty:g}{unit} and ±{b.uncertainty:g}{unit}"
    return kb_band


def _compare_labels(
    a: FindingResult, test: ClinicalTest | None, part: Literal["left", "right", "value"], x: str, y: str
) -> TestChange:
    label = _label(a, part)
    if x == y:
        return _row(a, part, x, y, verdict="unchanged", text=f"{label}: {x} at both visits.")
    was, now = _is_abnormal(test, x), _is_abnormal(test, y)
    if was is None or now is None or was == now:
        return _row(a, part, x, y, verdict="changed", text=f"{label}: {x} → {y}.")
    verdict: ChangeVerdict = "improved" if was and not now else "worsened"
    return _row(a, part, x, y, verdict=verdict, text=f"{label}: {x} → {y}: {verdict}.")


def _is_abnormal(test: ClinicalTest | None, label: str) -> bool | None:
    """Whether a category or yes/no answer counts as abnormal under the test's rules; None if no rule says."""
    if test is None:
        return None
    for rule in test.informs:
        if rule.when == "yes":
            return label == "yes" if label in {"yes", "no"} else None
        if rule.when == "category":
            if label in rule.abnormal:
                return True
            if label in rule.normal or rule.normal == []:
                return False
    return None


def _method_note(a: FindingResult, b: FindingResult) -> str:
    if a.method and b.method and a.method != b.method:
        return f" Methods differ ({a.method}, then {b.method}); compare with care."
    return ""


def _label(f: FindingResult, part: str) -> str:
    suffix = {"left": ", left", "right": ", right", "value": "", "asymmetry": ", left–right difference"}[part]
    return f"{f.name}{suffix}"


def _unit_text(unit: str) -> str:
    """How a unit follows a number in sentences: degrees as °, counts and scores bare, others after a space."""
    return {"deg": "°", "count": "", "none": "", "points": " points"}.get(unit, f" {unit}")


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _row(
    f: FindingResult,
    part: Literal["left", "right", "value", "asymmetry"],
    x: float | str,
    y: float | str,
    *,
    verdict: ChangeVerdict,
    text: str,
    change: float | None = None,
    direction: Direction = "unknown",
    detectable: float | None = None,
    basis: str = "",
    refs: list[str] | None = None,
) -> TestChange:
    return TestChange(test_id=f.test_id, name=f.name, unit=f.unit, part=part, before=x, after=y,
                      change=change, detectable_change=detectable, error_basis=basis, refs=refs or [],
                      direction=direction, verdict=verdict, text=text)
