"""The condition evaluator: every leaf, every combinator, and the reasons it keeps."""

from __future__ import annotations

from typing import Any

import pytest

from kinetrace.intake import parse_case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import Condition
from kinetrace.safety import CaseFacts, case_facts, evaluate

FACTS = CaseFacts(
    answers={"fever": "yes", "trauma": "unknown", "cancer_history": "no"},
    age=62,
    sex="male",
    pain_regions=frozenset({"lumbar", "thoracic"}),
    longest_duration_weeks=10,
    findings={"asas_ibp_criteria": 4, "cook_myelopathy_cluster": 2},
)


def _eval(spec: dict[str, Any]) -> tuple[bool, tuple[str, ...]]:
    result = evaluate(Condition.model_validate(spec), FACTS)
    return result.holds, result.reasons


@pytest.mark.parametrize(
    ("spec", "holds", "reasons"),
    [
        ({"yes": "fever"}, True, ("fever: yes",)),
        ({"yes": "cancer_history"}, False, ()),
        ({"yes": "weight_loss"}, False, ()),  # unanswered is not yes
        ({"unknown": "trauma"}, True, ("trauma: unknown",)),
        ({"unknown": "weight_loss"}, False, ()),  # unanswered is not unknown either
        ({"age_at_least": 62}, True, ("age 62 ≥ 62",)),
        ({"age_at_least": 63}, False, ()),
        ({"age_below": 16}, False, ()),
        ({"age_below": 70}, True, ("age 62 < 70",)),
        ({"sex": "male"}, True, ("sex male",)),
        ({"sex": "female"}, False, ()),
        ({"pain_in": ["cervical_lower", "thoracic"]}, True, ("pain in thoracic",)),
        ({"pain_in": ["cervical_upper"]}, False, ()),
        ({"duration_weeks_at_least": 6}, True, ("pain for 10 weeks (≥ 6)",)),
        ({"duration_weeks_at_least": 12}, False, ()),
        ({"finding_at_least": {"asas_ibp_criteria": 4}}, True, ("asas_ibp_criteria 4 ≥ 4",)),
        ({"finding_at_least": {"cook_myelopathy_cluster": 3}}, False, ()),
        ({"finding_at_least": {"laslett_sij_cluster": 1}}, False, ()),  # not measured
    ],
)
def test_leaves(spec: dict[str, Any], holds: bool, reasons: tuple[str, ...]) -> None:
    assert _eval(spec) == (holds, reasons)


def test_any_keeps_the_reasons_of_every_branch_that_held() -> None:
    assert _eval({"any": [{"yes": "fever"}, {"yes": "cancer_history"}, {"age_at_least": 50}]}) == (
        True,
        ("fever: yes", "age 62 ≥ 50"),
    )
    assert _eval({"any": [{"yes": "cancer_history"}, {"sex": "female"}]}) == (False, ())


def test_all_needs_every_branch() -> None:
    assert _eval({"all": [{"yes": "fever"}, {"pain_in": ["lumbar"]}]}) == (
        True,
        ("fever: yes", "pain in lumbar"),
    )
    assert _eval({"all": [{"yes": "fever"}, {"age_at_least": 70}]}) == (False, ())


def test_not_inverts() -> None:
    assert _eval({"not": {"yes": "cancer_history"}}) == (True, ())
    assert _eval({"not": {"yes": "fever"}}) == (False, ())


def test_count_at_least() -> None:
    of = [{"yes": "fever"}, {"yes": "cancer_history"}, {"age_at_least": 50}, {"unknown": "trauma"}]
    assert _eval({"count_at_least": {"n": 3, "of": of}}) == (
        True,
        ("fever: yes", "age 62 ≥ 50", "trauma: unknown"),
    )
    assert _eval({"count_at_least": {"n": 4, "of": of}}) == (False, ())


def test_case_facts_convert_findings_to_the_tests_unit_and_take_the_larger_side(
    tiny_kb: KnowledgeBase,
) -> None:
    case = parse_case(
        {
            "patient": {"age": 15},
            "pain": [
                {"region": "thoracic", "intensity": 3, "duration_weeks": 2},
                {"region": "lumbar", "intensity": 2, "duration_weeks": 30},
            ],
            "findings": {
                "scoliometer_atr": {"value": 0.14, "unit": "rad"},
                "hip_ir_prone": {"left": 20, "right": 41},
            },
        }
    )
    facts = case_facts(case, tiny_kb)
    assert facts.findings["scoliometer_atr"] == pytest.approx(8.02, abs=0.01)  # 0.14 rad × 180/π
    assert facts.findings["hip_ir_prone"] == 41
    assert facts.longest_duration_weeks == 30
    assert facts.pain_regions == {"thoracic", "lumbar"}
