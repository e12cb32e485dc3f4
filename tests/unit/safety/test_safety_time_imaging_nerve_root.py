"""Red-flag rules that weigh time since trauma and imaging, and nerve-root and chest safety netting (issue 10).

Expected actions come from clinical.md §E: significant trauma refers (RF-L5) unless the spine was imaged and
reported clear; a dangerous mechanism in the last two weeks stays urgent; contusion and steroids always refer;
nerve-root signs and chest radiation are weak flags that screen further, never stop.
"""

from __future__ import annotations

import pytest

from kinetrace import load_knowledge, parse_case
from kinetrace.intake.history import apply_history
from kinetrace.knowledge.schema import ActionLevel
from kinetrace.safety.red_flags import screen_red_flags

LUMBAR = {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no", "fever": "no", "trauma": "no"}


def _triage(answers: dict[str, str], *, weeks: float = 13, age: int = 40, radiation: list[str] | None = None,
            findings: dict | None = None, region: str = "lumbar"):  # noqa: ANN202 (test helper)
    case = parse_case({"patient": {"age": age}, "red_flags": {**LUMBAR, **answers}, "findings": findings or {},
                       "pain": [{"region": region, "intensity": 5, "duration_weeks": weeks,
                                 "radiation": radiation or []}]})
    return screen_red_flags(apply_history(case), load_knowledge())


@pytest.mark.parametrize(("answers", "weeks", "expected"), [
    ({"trauma": "yes", "trauma_imaging_clear": "yes"}, 13, ActionLevel.PROCEED_WITH_SAFETY_NETTING),
    ({"trauma": "yes", "trauma_imaging_clear": "no"}, 13, ActionLevel.URGENT_REFERRAL),
    ({"trauma": "yes"}, 1, ActionLevel.URGENT_REFERRAL),
    ({"trauma": "yes", "trauma_imaging_clear": "yes", "dangerous_mechanism": "yes"}, 1, ActionLevel.URGENT_REFERRAL),
    ({"trauma": "yes", "trauma_imaging_clear": "yes", "dangerous_mechanism": "yes"}, 6,
     ActionLevel.PROCEED_WITH_SAFETY_NETTING),
    ({"trauma": "yes", "trauma_imaging_clear": "yes", "contusion_abrasion": "yes"}, 13, ActionLevel.URGENT_REFERRAL),
    ({"corticosteroid_use": "yes"}, 13, ActionLevel.URGENT_REFERRAL),
])
def test_fracture_rule_weighs_time_and_imaging(answers: dict[str, str], weeks: float, expected: ActionLevel) -> None:
    assert _triage(answers, weeks=weeks).action == expected


def test_imaged_clear_trauma_keeps_the_plan_and_asks_nothing_it_knows() -> None:
    triage = _triage({"trauma": "yes", "trauma_imaging_clear": "yes"})
    assert not triage.plan_suppressed
    assert "trauma_imaging_clear" not in {q["id"] for q in triage.follow_up_questions}


def test_unimaged_trauma_asks_about_imaging() -> None:
    triage = _triage({"trauma": "yes"}, weeks=13)
    assert "trauma_imaging_clear" in {q["id"] for q in triage.follow_up_questions}


def test_pain_below_the_knee_raises_nerve_root_safety_netting() -> None:
    triage = _triage({}, radiation=["below_knee"])
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
    assert "RF-L2b" in {f.rule_id for f in triage.flags}
    assert "progressive_leg_weakness" in {q["id"] for q in triage.follow_up_questions}


def test_positive_slr_raises_nerve_root_safety_netting() -> None:
    triage = _triage({}, findings={"straight_leg_raise": {"left": "positive", "right": "negative"}})
    assert "RF-L2b" in {f.rule_id for f in triage.flags}


def test_an_explicit_no_overrides_the_derived_nerve_root_answer() -> None:
    triage = _triage({"lumbar_nerve_root_signs": "no"}, radiation=["below_knee"])
    assert "RF-L2b" not in {f.rule_id for f in triage.flags}


def test_wainner_cluster_raises_cervical_nerve_root_netting() -> None:
    neck = {"cervical_arterial_symptoms": "no", "myelopathy_symptoms": "no"}
    triage = _triage(neck, region="cervical_lower", findings={"wainner_radiculopathy_cluster": {"count": 3}})
    assert "RF-C4b" in {f.rule_id for f in triage.flags}
    assert triage.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING


def test_chest_radiation_screens_the_cardiac_questions() -> None:
    thoracic = {"chest_pain_exertion": "no", "sudden_tearing_pain": "no"}
    triage = _triage({"chest_pain_exertion": "unknown", "sudden_tearing_pain": "no"}, region="thoracic",
                     radiation=["chest"])
    assert "RF-T1b" in {f.rule_id for f in triage.flags}
    assert "chest_pain_exertion" in {q["id"] for q in triage.follow_up_questions}
    assert _triage(thoracic, region="thoracic", radiation=["chest"]).action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
