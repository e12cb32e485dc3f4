"""The red-flag screen on the shipped rules (red_flags.yaml, questions.yaml) and the example cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinetrace.intake import Case, load_case, parse_case
from kinetrace.knowledge import load_knowledge
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ActionLevel
from kinetrace.safety import action_rank, required_questions, screen_red_flags

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
LUMBAR_NO = {
    "saddle_numbness": "no",
    "bladder_bowel_change": "no",
    "cancer_history": "no",
    "fever": "no",
    "trauma": "no",
}
NECK_NO = {
    "trauma": "no",
    "cancer_history": "no",
    "fever": "no",
    "cervical_arterial_symptoms": "no",
    "myelopathy_symptoms": "no",
}
THORACIC_NO = {
    "chest_pain_exertion": "no",
    "sudden_tearing_pain": "no",
    "trauma": "no",
    "cancer_history": "no",
    "fever": "no",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _case(answers: dict[str, str], *, region: str = "lumbar", age: int = 40, **extra: Any) -> Case:
    return parse_case(
        {
            "patient": {"age": age, "sex": "female"},
            "pain": [{"region": region, "intensity": 5, "duration_weeks": 8}],
            "red_flags": answers,
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("name", "action", "rule"),
    [
        ("red_flag_cauda_equina", ActionLevel.EMERGENCY_REFERRAL, "RF-L1"),
        ("red_flag_cancer_history", ActionLevel.URGENT_REFERRAL, "RF-L3"),
        ("red_flag_axial_spa", ActionLevel.ROUTINE_REFERRAL, "RF-L8"),
        ("red_flag_night_pain", ActionLevel.PROCEED_WITH_SAFETY_NETTING, "RF-L4"),
        ("missing_red_flag_answers", ActionLevel.REQUEST_RED_FLAG_SCREEN, None),
        ("demo", ActionLevel.PROCEED_CONSERVATIVE_PLAN, None),
        ("nothing_remote_found", ActionLevel.PROCEED_CONSERVATIVE_PLAN, None),
    ],
)
def test_example_reaches_its_level(kb: KnowledgeBase, name: str, action: ActionLevel, rule: str | None) -> None:
    triage = screen_red_flags(load_case(EXAMPLES / f"{name}.yaml"), kb)
    assert triage.action == action
    assert (rule is None and not triage.flags) or triage.flags[0].rule_id == rule


def test_emergency_and_urgent_examples_never_get_a_plan(kb: KnowledgeBase) -> None:
    for name in ("red_flag_cauda_equina", "red_flag_cancer_history"):
        triage = screen_red_flags(load_case(EXAMPLES / f"{name}.yaml"), kb)
        assert triage.plan_suppressed and triage.chain_suppressed
        assert "do not start exercises" in triage.summary


def test_cauda_equina_answers_fire_rf_l1_with_its_condition_id(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case({**LUMBAR_NO, "saddle_numbness": "yes"}), kb)
    assert triage.action == ActionLevel.EMERGENCY_REFERRAL
    flag = triage.flags[0]
    assert (flag.rule_id, flag.condition_id) == ("RF-L1", "cauda_equina_syndrome_suspected")
    assert flag.reason == "saddle_numbness: yes"
    assert flag.refs and flag.grade and flag.whom and flag.how_soon and flag.advice


@pytest.mark.parametrize(
    ("answers", "region", "action", "condition"),
    [
        ({**LUMBAR_NO, "cancer_history": "yes"}, "lumbar", ActionLevel.URGENT_REFERRAL, "spinal_malignancy_suspected"),
        (
            {**LUMBAR_NO, "fever": "yes", "iv_drug_use": "yes"},
            "lumbar",
            ActionLevel.EMERGENCY_REFERRAL,
            "spinal_infection_suspected",
        ),
        (
            {**NECK_NO, "cervical_arterial_symptoms": "yes"},
            "cervical_lower",
            ActionLevel.EMERGENCY_REFERRAL,
            "cervical_arterial_dysfunction_suspected",
        ),
        (
            {**NECK_NO, "myelopathy_symptoms": "yes"},
            "cervical_lower",
            ActionLevel.URGENT_REFERRAL,
            "cervical_myelopathy_suspected",
        ),
        (
            {**THORACIC_NO, "chest_pain_exertion": "yes"},
            "thoracic",
            ActionLevel.EMERGENCY_REFERRAL,
            "cardiac_cause_suspected",
        ),
        ({**LUMBAR_NO, "trauma": "yes"}, "lumbar", ActionLevel.URGENT_REFERRAL, "vertebral_fracture_suspected"),
    ],
)
def test_specific_flags_reach_their_level(
    kb: KnowledgeBase, answers: dict[str, str], region: str, action: ActionLevel, condition: str
) -> None:
    triage = screen_red_flags(_case(answers, region=region), kb)
    assert triage.action == action
    assert triage.flags[0].condition_id == condition


def test_asas_cluster_of_four_is_a_routine_rheumatology_referral(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case(LUMBAR_NO, age=30, findings={"asas_ibp_criteria": {"count": 4}}), kb)
    assert triage.action == ActionLevel.ROUTINE_REFERRAL
    assert triage.pending_medical_review and triage.chain_suppressed and not triage.plan_suppressed


def test_cook_cluster_of_three_is_urgent(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(
        _case(NECK_NO, region="cervical_lower", age=58, findings={"cook_myelopathy_cluster": {"count": 3}}), kb
    )
    assert triage.action == ActionLevel.URGENT_REFERRAL
    assert triage.flags[0].reason.startswith("cook_myelopathy_cluster 3 ≥ 3")


def test_night_pain_alone_is_safety_netting_and_asks_the_other_questions(kb: KnowledgeBase) -> None:
    # §E.4 rule 4: night pain that wakes the person is not by itself an emergency; ask ASAS, weight, … next
    triage = screen_red_flags(_case({**LUMBAR_NO, "night_pain_unrelieved": "yes"}), kb)
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
    assert not triage.plan_suppressed
    asked = {q["id"] for q in triage.follow_up_questions}
    assert {"unexplained_weight_loss", "ibp_onset_before_40", "ibp_no_better_with_rest"} <= asked
    assert not asked & set(LUMBAR_NO)  # already answered, not asked again


def test_age_alone_over_fifty_is_only_a_weak_flag(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case(LUMBAR_NO, age=58), kb)
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING


def test_a_child_is_referred_routinely(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case(LUMBAR_NO, age=12), kb)
    assert triage.action == ActionLevel.ROUTINE_REFERRAL
    assert triage.flags[0].condition_id == "paediatric_pathology_suspected"


def test_missing_required_lumbar_answers_are_listed_with_their_text(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case({"saddle_numbness": "no"}), kb)
    assert triage.action == ActionLevel.REQUEST_RED_FLAG_SCREEN
    assert triage.plan_suppressed
    assert [q["id"] for q in triage.missing_questions] == ["bladder_bowel_change", "cancer_history", "fever", "trauma"]
    assert all(q["text"] == kb.questions[q["id"]].text for q in triage.missing_questions)
    assert all(q["clinician_text"] == kb.questions[q["id"]].clinician_text for q in triage.missing_questions)


def test_unknown_trauma_answer_means_safety_netting_and_asks_again(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case({**LUMBAR_NO, "trauma": "unknown"}), kb)
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
    assert triage.follow_up_questions[0]["id"] == "trauma"


@pytest.mark.parametrize(
    "region",
    ["lumbar", "pelvis", "hip", "thoracic", "scapulothoracic", "shoulder", "cervical_lower", "cervical_upper", "head"],
)
def test_every_spinal_region_has_required_screening_questions(kb: KnowledgeBase, region: str) -> None:
    ids = {q.id for q in required_questions(_case({}, region=region), kb)}
    assert {"cancer_history", "fever", "trauma"} <= ids


_REGIONS = ["lumbar", "pelvis", "thoracic", "cervical_lower", "cervical_upper", "shoulder"]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_adding_a_no_answer_never_raises_the_action(kb: KnowledgeBase, data: st.DataObject) -> None:
    ids = sorted(kb.questions)
    answers = data.draw(
        st.dictionaries(st.sampled_from(ids), st.sampled_from(["yes", "no", "unknown"]), max_size=12), label="answers"
    )
    extra = data.draw(st.sampled_from([i for i in ids if i not in answers]), label="newly answered")
    where = {"region": data.draw(st.sampled_from(_REGIONS)), "age": data.draw(st.integers(10, 90))}
    before = screen_red_flags(_case(answers, **where), kb)
    after = screen_red_flags(_case({**answers, extra: "no"}, **where), kb)
    assert action_rank(after.action) >= action_rank(before.action)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_turning_unknown_into_no_never_raises_the_action(kb: KnowledgeBase, data: st.DataObject) -> None:
    ids = sorted(kb.questions)
    answers = data.draw(
        st.dictionaries(st.sampled_from(ids), st.sampled_from(["yes", "no", "unknown"]), min_size=1, max_size=12),
        label="answers",
    )
    unknown = [k for k, v in answers.items() if v == "unknown"]
    if not unknown:
        return
    region = data.draw(st.sampled_from(_REGIONS))
    before = screen_red_flags(_case(answers, region=region), kb)
    after = screen_red_flags(_case({**answers, unknown[0]: "no"}, region=region), kb)
    assert action_rank(after.action) >= action_rank(before.action)


def test_follow_up_questions_fit_the_painful_regions(kb: KnowledgeBase) -> None:
    """A neck-plus-hip case with a weak malignancy flag is not asked the low-back (inflammatory back pain)
    questions; a low-back case with the same answers is."""
    answers = {**NECK_NO, **LUMBAR_NO, "night_pain_unrelieved": "yes"}
    neck_hip = parse_case({
        "patient": {"age": 40, "sex": "female"}, "red_flags": answers,
        "pain": [{"region": "cervical_lower", "intensity": 5, "duration_weeks": 8},
                 {"region": "hip", "side": "left", "intensity": 3, "duration_weeks": 8}],
    })
    asked = {q["id"] for q in screen_red_flags(neck_hip, kb).follow_up_questions}
    assert "unexplained_weight_loss" in asked  # a question for any region stays
    assert not {q for q in asked if q.startswith("ibp_")}
    lumbar = {q["id"] for q in screen_red_flags(_case({**LUMBAR_NO, "night_pain_unrelieved": "yes"}), kb)
              .follow_up_questions}
    assert {"ibp_onset_before_40", "ibp_no_better_with_rest"} <= lumbar


def test_every_question_has_clinician_wording_and_known_regions(kb: KnowledgeBase) -> None:
    for q in kb.questions.values():
        assert q.clinician_text and q.clinician_text != q.text, q.id
        assert set(q.regions) <= set(kb.regions), q.id


def test_follow_up_questions_carry_the_clinician_wording(kb: KnowledgeBase) -> None:
    triage = screen_red_flags(_case({**LUMBAR_NO, "night_pain_unrelieved": "yes"}), kb)
    first = triage.follow_up_questions[0]
    assert first["clinician_text"] == kb.questions[first["id"]].clinician_text
    assert first["text"] == kb.questions[first["id"]].text
