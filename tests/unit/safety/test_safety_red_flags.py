"""The red-flag screen on a tiny rule set: every action level, missing and unknown answers, escalation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kinetrace.intake import Case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ActionLevel
from kinetrace.safety import action_rank, screen_red_flags

CaseOf = Callable[..., Case]
ALL_NO = {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no", "fever": "no"}


def _with(**answers: str) -> dict[str, str]:
    return {**ALL_NO, **answers}


def test_all_no_proceeds_with_a_conservative_plan(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    triage = screen_red_flags(case_of(), tiny_kb)
    assert triage.action == ActionLevel.PROCEED_CONSERVATIVE_PLAN
    assert triage.flags == []
    assert not triage.plan_suppressed and not triage.chain_suppressed and not triage.pending_medical_review
    assert triage.summary == "No red flag on the screening answers given; proceed with a conservative plan."


def test_saddle_numbness_is_an_emergency_that_stops_plan_and_chain(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    triage = screen_red_flags(case_of(_with(saddle_numbness="yes")), tiny_kb)
    assert triage.action == ActionLevel.EMERGENCY_REFERRAL
    assert triage.plan_suppressed and triage.chain_suppressed
    (flag,) = triage.flags
    assert (flag.rule_id, flag.condition_id) == ("RF-L1", "cauda_equina_syndrome_suspected")
    assert flag.reason == "saddle_numbness: yes"
    assert flag.refs == ["R101"] and flag.grade == "B"
    assert triage.summary.startswith("Emergency referral: possible cauda equina syndrome (RF-L1).")
    assert "do not start exercises" in triage.summary


def test_both_cauda_equina_answers_are_named_in_the_reason(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    triage = screen_red_flags(case_of(_with(saddle_numbness="yes", bladder_bowel_change="yes")), tiny_kb)
    assert triage.flags[0].reason == "saddle_numbness: yes; bladder_bowel_change: yes"


def test_cancer_history_is_urgent(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    triage = screen_red_flags(case_of(_with(cancer_history="yes")), tiny_kb)
    assert triage.action == ActionLevel.URGENT_REFERRAL
    assert triage.plan_suppressed and triage.chain_suppressed
    assert triage.flags[0].condition_id == "spinal_malignancy_suspected"


def test_asas_four_of_five_is_a_routine_referral_that_keeps_general_advice(
    tiny_kb: KnowledgeBase, case_of: CaseOf
) -> None:
    triage = screen_red_flags(case_of(findings={"asas_ibp_criteria": {"count": 4}}), tiny_kb)
    assert triage.action == ActionLevel.ROUTINE_REFERRAL
    assert not triage.plan_suppressed
    assert triage.chain_suppressed and triage.pending_medical_review
    assert triage.flags[0].reason == "asas_ibp_criteria 4 ≥ 4"
    assert "pending medical review" in triage.summary


def test_night_pain_alone_is_safety_netting_with_follow_up_questions(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    # §E.4 rule 4: night pain alone is not an emergency; ask the follow-ups that are not yet answered
    triage = screen_red_flags(case_of(_with(night_pain="yes")), tiny_kb)
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
    assert not triage.plan_suppressed and not triage.chain_suppressed
    assert [q["id"] for q in triage.follow_up_questions] == ["weight_loss", "trauma"]
    assert triage.follow_up_questions[0]["text"] == "Weight loss you cannot explain?"
    assert "weak flag" in triage.summary


def test_two_weak_malignancy_features_escalate_to_urgent(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    triage = screen_red_flags(case_of(_with(night_pain="yes"), age=67), tiny_kb)
    assert triage.action == ActionLevel.URGENT_REFERRAL
    (flag,) = triage.flags
    assert flag.rule_id == "RF-L4"
    assert flag.reason == "night_pain: yes; age 67 ≥ 50 — escalated to urgent referral (these features together)"


def test_highest_action_wins_and_flags_are_listed_most_serious_first(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    case = case_of(
        _with(cancer_history="yes", bladder_bowel_change="yes"), findings={"asas_ibp_criteria": {"count": 5}}
    )
    triage = screen_red_flags(case, tiny_kb)
    assert triage.action == ActionLevel.EMERGENCY_REFERRAL
    assert [f.rule_id for f in triage.flags] == ["RF-L1", "RF-L3", "RF-L8"]


def test_missing_required_answers_request_the_screen_and_list_the_questions(
    tiny_kb: KnowledgeBase, case_of: CaseOf
) -> None:
    triage = screen_red_flags(case_of({"saddle_numbness": "no"}), tiny_kb)
    assert triage.action == ActionLevel.REQUEST_RED_FLAG_SCREEN
    assert triage.plan_suppressed
    assert triage.missing_questions == [
        # the tiny rule set has no clinician wording, so both wordings are the patient's
        {"id": "bladder_bowel_change", "text": "New trouble passing or holding urine or stools?",
         "clinician_text": "New trouble passing or holding urine or stools?"},
        {"id": "cancer_history", "text": "Have you ever had cancer?", "clinician_text": "Have you ever had cancer?"},
        {"id": "fever", "text": "Fever or feeling unwell?", "clinician_text": "Fever or feeling unwell?"},
    ]
    assert triage.summary.startswith("Red-flag screen incomplete: 3 required questions unanswered")


def test_required_questions_follow_the_pain_regions(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    # a neck case needs only the always-required question in this rule set
    triage = screen_red_flags(case_of({}, region="cervical_lower"), tiny_kb)
    assert [q["id"] for q in triage.missing_questions] == ["cancer_history"]


def test_an_emergency_still_lists_missing_questions_but_outranks_the_request(
    tiny_kb: KnowledgeBase, case_of: CaseOf
) -> None:
    triage = screen_red_flags(case_of({"saddle_numbness": "yes"}), tiny_kb)
    assert triage.action == ActionLevel.EMERGENCY_REFERRAL
    assert {q["id"] for q in triage.missing_questions} == {"bladder_bowel_change", "cancer_history", "fever"}
    assert "still unanswered" in triage.summary


def test_unknown_to_a_required_question_means_safety_netting_and_asking_again(
    tiny_kb: KnowledgeBase, case_of: CaseOf
) -> None:
    triage = screen_red_flags(case_of(_with(fever="unknown")), tiny_kb)
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
    assert triage.missing_questions == []
    # follow-ups carry the clinician's wording too (issue 11); without one in the data it is the patient's text
    assert triage.follow_up_questions == [
        {"id": "fever", "text": "Fever or feeling unwell?", "clinician_text": "Fever or feeling unwell?"}
    ]
    assert "answered 'unknown': fever" in triage.summary


def test_the_screen_does_not_change_its_input(tiny_kb: KnowledgeBase, case_of: CaseOf) -> None:
    case = case_of(_with(night_pain="yes"))
    before = case.model_dump()
    assert screen_red_flags(case, tiny_kb) == screen_red_flags(case, tiny_kb)
    assert case.model_dump() == before


_IDS = [
    "saddle_numbness",
    "bladder_bowel_change",
    "cancer_history",
    "fever",
    "night_pain",
    "weight_loss",
    "trauma",
]
_scenarios = st.fixed_dictionaries(
    {
        "answers": st.dictionaries(st.sampled_from(_IDS), st.sampled_from(["yes", "no", "unknown"])),
        "age": st.integers(18, 90),
        "extra": st.sampled_from(_IDS),
        "region": st.sampled_from(["lumbar", "thoracic", "cervical_lower"]),
    }
)


@settings(max_examples=150, deadline=None)
@given(scenario=_scenarios)
def test_adding_a_no_answer_never_raises_the_action(
    tiny_kb: KnowledgeBase, case_of: CaseOf, scenario: dict[str, Any]
) -> None:
    answers, extra = scenario["answers"], scenario["extra"]
    if extra in answers:
        return  # the property is about answering a question not yet answered
    where = {"age": scenario["age"], "region": scenario["region"]}
    before = screen_red_flags(case_of(answers, **where), tiny_kb)
    after = screen_red_flags(case_of({**answers, extra: "no"}, **where), tiny_kb)
    assert action_rank(after.action) >= action_rank(before.action)
