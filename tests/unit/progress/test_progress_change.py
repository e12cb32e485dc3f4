"""Reassessment verdicts against measurement error (progress/change.py).

Expected values are worked by hand from the error figures given to each test here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from kinetrace.knowledge.schema import ClinicalTest
from kinetrace.progress import compare_assessments, compare_findings, detectable_change
from kinetrace.result import Assessment, FindingResult, Triage


def _test(
    test_id: str,
    *,
    unit: str = "deg",
    when: str = "below",
    kind: str = "mdc",
    gate: float | None = 5.0,
    asymmetry: float | None = None,
    bilateral: bool = True,
    **extra: object,
) -> ClinicalTest:
    rule: dict[str, object] = {
        "target": "x",
        "role": "primary",
        "when": when,
        "rule": "r",
        "refs": ["R01"],
        "grade": "B",
        **extra,
    }
    if when in {"below", "above", "at_least"}:
        rule["threshold"] = 30.0
    if asymmetry is not None:
        rule["asymmetry"] = asymmetry
    error = None if gate is None else {"gate": gate, "kind": kind, "text": "t", "refs": ["R25"], "grade": "B"}
    return ClinicalTest.model_validate(
        {
            "id": test_id,
            "name": test_id.replace("_", " "),
            "section": "B15",
            "region": "hip",
            "protocol": "p",
            "kind": "numeric" if unit != "none" else "categorical",
            "unit": unit,
            "bilateral": bilateral,
            "valid_range": {"min": -90, "max": 180} if unit != "none" else None,
            "categories": ["positive", "negative"] if unit == "none" else [],
            "normal_text": "n",
            "measurement_error": error,
            "informs": [rule],
            "refs": ["R01"],
            "grade": "B",
        }
    )


@dataclass
class _KB:
    tests: dict[str, ClinicalTest] = field(default_factory=dict)


def _f(test_id: str, **kw: object) -> FindingResult:
    return FindingResult.model_validate({"test_id": test_id, "name": test_id, "unit": "deg", **kw})


def _row(progress, test_id, part):  # type: ignore[no-untyped-def]
    return next(c for c in progress.changes if c.test_id == test_id and c.part == part)


def test_gain_beyond_mdc_in_a_below_threshold_test_is_improved() -> None:
    kb = _KB({"hip_ir_prone": _test("hip_ir_prone", gate=5.0)})
    p = compare_findings([_f("hip_ir_prone", left=22, right=38)], [_f("hip_ir_prone", left=34, right=40)], kb)
    left, right = _row(p, "hip_ir_prone", "left"), _row(p, "hip_ir_prone", "right")
    assert (left.verdict, left.change, left.detectable_change) == ("improved", 12.0, 5.0)
    assert right.verdict == "within_measurement_error" and right.is_within_error  # +2 ≤ 5
    assert "within measurement error" in right.text


def test_loss_beyond_mdc_is_worsened_and_above_rule_flips_direction() -> None:
    kb = _KB({"a": _test("a", gate=3.0), "b": _test("b", when="above", gate=3.0)})
    p = compare_findings([_f("a", value=40), _f("b", value=20)], [_f("a", value=35), _f("b", value=15)], kb)
    assert _row(p, "a", "value").verdict == "worsened"  # lower is worse when abnormal below
    assert _row(p, "b", "value").verdict == "improved"  # lower is better when abnormal above


def test_change_exactly_at_the_mdc_is_within_error() -> None:
    kb = _KB({"a": _test("a", gate=5.0)})
    p = compare_findings([_f("a", value=20)], [_f("a", value=25)], kb)
    assert _row(p, "a", "value").verdict == "within_measurement_error"


def test_sem_is_turned_into_mdc95() -> None:
    # MDC95 = 1.96 · √2 · SEM = 2.772 · 2.0 = 5.54 deg
    test = _test("a", kind="sem", gate=2.0)
    size, basis = detectable_change(test) or (0.0, "")
    assert size == pytest.approx(1.959964 * math.sqrt(2) * 2.0, rel=1e-6)
    assert "SEM" in basis and "R25" in basis
    p = compare_findings([_f("a", value=20)], [_f("a", value=25)], _KB({"a": test}))
    assert _row(p, "a", "value").verdict == "within_measurement_error"  # 5 < 5.54


def test_single_measurement_error_is_widened_by_root_two() -> None:
    size, _ = detectable_change(_test("a", kind="clinical_error", gate=8.6)) or (0.0, "")
    assert size == pytest.approx(8.6 * math.sqrt(2))


def test_photo_uncertainty_widens_the_band_when_larger() -> None:
    # hypot(2.5, 2.5) = 3.54 deg > MDC 2 deg, so a 3 deg change is within error
    kb = _KB({"craniovertebral_angle": _test("craniovertebral_angle", gate=2.0)})
    p = compare_findings(
        [_f("craniovertebral_angle", value=43, uncertainty=2.5)],
        [_f("craniovertebral_angle", value=46, uncertainty=2.5)],
        kb,
    )
    row = _row(p, "craniovertebral_angle", "value")
    assert row.verdict == "within_measurement_error"
    assert row.detectable_change == pytest.approx(3.5355, abs=1e-3)


def test_asymmetry_row_is_added_when_the_test_reads_asymmetry() -> None:
    kb = _KB({"hip_ir_prone": _test("hip_ir_prone", gate=5.0, asymmetry=10.0)})
    p = compare_findings([_f("hip_ir_prone", left=22, right=38)], [_f("hip_ir_prone", left=34, right=38)], kb)
    gap = _row(p, "hip_ir_prone", "asymmetry")
    assert (gap.before, gap.after, gap.verdict) == (16.0, 4.0, "improved")


def test_test_without_error_figure_is_not_judged() -> None:
    kb = _KB({"a": _test("a", gate=None)})
    p = compare_findings([_f("a", value=20)], [_f("a", value=30)], kb)
    row = _row(p, "a", "value")
    assert row.verdict == "changed" and "not judged" in row.text


def test_category_from_abnormal_to_normal_is_improved() -> None:
    kb = _KB({"slr": _test("slr", unit="none", when="category", gate=None, abnormal=["positive"], normal=["negative"])})
    p = compare_findings(
        [_f("slr", unit="none", left="positive", right="negative")],
        [_f("slr", unit="none", left="negative", right="negative")],
        kb,
    )
    assert _row(p, "slr", "left").verdict == "improved"
    assert _row(p, "slr", "right").verdict == "unchanged"


def test_unit_mismatch_is_not_comparable_and_one_sided_tests_are_listed() -> None:
    kb = _KB({"a": _test("a")})
    p = compare_findings([_f("a", value=20), _f("b", value=1)], [_f("a", value=2, unit="cm"), _f("c", value=1)], kb)
    assert _row(p, "a", "value").verdict == "not_comparable"
    assert (p.only_before, p.only_after) == (["b"], ["c"])


def test_compare_assessments_carries_kb_versions_and_does_not_mutate() -> None:
    triage = Triage(action="proceed_conservative_plan", summary="s", plan_suppressed=False, chain_suppressed=False)
    a = Assessment(kb_version="v1", profile="evidence", profile_label="E", triage=triage, findings=[_f("a", value=20)])
    b = a.model_copy(update={"kb_version": "v2", "findings": [_f("a", value=40)]})
    before = a.model_dump()
    p = compare_assessments(a, b, _KB({"a": _test("a")}))
    assert (p.kb_version_before, p.kb_version_after) == ("v1", "v2")
    assert p.count("improved") == 1 and p.improved[0].test_id == "a"
    assert a.model_dump() == before


def test_compare_cases_converts_units_and_prefers_the_most_valid_method() -> None:
    from kinetrace.intake import parse_case
    from kinetrace.knowledge import load_knowledge
    from kinetrace.progress import compare_cases

    kb = load_knowledge()
    before = parse_case(
        {"patient": {"age": 40}, "findings": {"hip_ir_prone": {"left": 0.4, "right": 0.66, "unit": "rad"}}}
    )
    after = parse_case({"patient": {"age": 40}, "findings": {"hip_ir_prone": {"left": 36, "right": 38, "unit": "deg"}}})
    progress = compare_cases(before, after, kb)
    left = next(c for c in progress.changes if c.part == "left")
    # 0.4 rad = 22.9°; +13.1° beyond the √2 × 5° = 7.1° band of the knowledge base's design default
    assert left.before == pytest.approx(22.9, abs=0.05) and left.verdict == "improved"


def test_compare_cases_takes_the_most_valid_method_of_a_test() -> None:
    from kinetrace.intake import parse_case
    from kinetrace.knowledge import load_knowledge
    from kinetrace.progress import compare_cases

    def case(tape_mm: float, lifts_mm: float):  # type: ignore[no-untyped-def]
        lld = [
            {"value": tape_mm, "unit": "mm", "side": "left", "method": "tape"},
            {"value": lifts_mm, "unit": "mm", "side": "left", "method": "lifts"},
        ]
        return parse_case({"patient": {"age": 40}, "findings": {"leg_length_difference": lld}})

    # lifts rank above tape in the knowledge base, so 6 → 7 mm by lifts is compared, not 25 → 5 mm by tape
    (row,) = compare_cases(case(25, 6), case(5, 7), load_knowledge()).changes
    assert (row.before, row.after, row.verdict) == (6.0, 7.0, "within_measurement_error")
