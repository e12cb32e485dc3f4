"""History, night pain and radiation are used or rejected, never accepted and ignored (issue 10)."""

from __future__ import annotations

import pytest

from kinetrace import assess, load_knowledge, parse_case
from kinetrace.errors import InputError
from kinetrace.intake.history import apply_history, derived_answers, history_findings

LUMBAR = {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no", "fever": "no", "trauma": "no"}


def _case(*, history: dict | None = None, pain: dict | None = None, answers: dict | None = None,
          findings: dict | None = None):  # noqa: ANN202 (test helper)
    entry = {"region": "lumbar", "intensity": 4, "duration_weeks": 6, **(pain or {})}
    return parse_case({"patient": {"age": 40}, "red_flags": {**LUMBAR, **(answers or {})}, "pain": [entry],
                       "history": history or {}, "findings": findings or {}})


def test_history_fields_fill_their_history_tests() -> None:
    found = history_findings(_case(history={"ankle_sprains": 3, "rotation_sport": True,
                                            "sedentary_hours_per_day": 9.6}))
    assert found["ankle_sprain_history"].answer == "yes"
    assert found["rotation_sport_participation"].answer == "yes"
    assert found["daily_sitting_hours"].count == 10  # 9.6 h rounded to whole hours


def test_a_single_sprain_does_not_claim_recurrent_giving_way() -> None:
    assert "ankle_sprain_history" not in history_findings(_case(history={"ankle_sprains": 1}))


def test_an_entered_test_wins_over_history() -> None:
    case = _case(history={"rotation_sport": True}, findings={"rotation_sport_participation": {"answer": "no"}})
    assert "rotation_sport_participation" not in history_findings(case)


def test_sedentary_hours_set_the_sedentary_modifier() -> None:
    result = assess(_case(history={"sedentary_hours_per_day": 10}), load_knowledge())
    assert {s.id: s.state for s in result.impairments}.get("sedentary_behaviour") == "present"


@pytest.mark.parametrize(("field", "value"), [("previous_episodes", 2), ("surgery", "L5 discectomy")])
def test_fields_no_rule_reads_are_rejected_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(InputError, match=f"history.{field}"):
        apply_history(_case(history={field: value}))


def test_night_pain_and_radiation_answer_the_derived_questions() -> None:
    answers = derived_answers(_case(pain={"night_pain": True, "radiation": ["below_knee", "chest"]}))
    assert answers == {"reported_night_pain": "yes", "lumbar_nerve_root_signs": "yes", "pain_radiates_to_chest": "yes"}


def test_night_pain_screens_further_in_the_triage() -> None:
    result = assess(_case(pain={"night_pain": True}), load_knowledge())
    assert result.triage.action.value == "proceed_with_safety_netting"
    assert "RF-L4" in {f.rule_id for f in result.triage.flags}


def test_night_pain_true_with_the_question_answered_no_warns() -> None:
    result = assess(_case(pain={"night_pain": True}, answers={"night_pain_unrelieved": "no"}), load_knowledge())
    assert any("pain[0].night_pain" in w and "night_pain_unrelieved" in w for w in result.warnings)


def test_apply_history_does_not_change_its_input() -> None:
    case = _case(history={"rotation_sport": True}, pain={"night_pain": True})
    apply_history(case)
    assert "rotation_sport_participation" not in case.findings
    assert "reported_night_pain" not in case.red_flags
