"""A tiny knowledge base for the red-flag screen: one rule per action level and a few questions.

The rules mirror the shape of clinical.md §E (RF-L1 emergency, RF-L3 urgent, RF-L8 routine, RF-L4 weak with
escalation) but are written for the tests, so they pin the engine's behaviour independently of the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kinetrace.intake import Case, parse_case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ClinicalTest, ModelParameters, Question, RedFlagRule

QUESTIONS = [
    Question(id="saddle_numbness", text="Numbness around the back passage or genitals?", required_for=["lumbar"]),
    Question(
        id="bladder_bowel_change",
        text="New trouble passing or holding urine or stools?",
        required_for=["lumbar"],
    ),
    Question(id="cancer_history", text="Have you ever had cancer?", required_always=True),
    Question(id="fever", text="Fever or feeling unwell?", required_for=["lumbar", "thoracic"]),
    Question(id="night_pain", text="Does pain wake you at night, whatever position you lie in?"),
    Question(id="weight_loss", text="Weight loss you cannot explain?"),
    Question(id="trauma", text="A fall or accident before the pain began?"),
]


def _rule(rid: str, when: dict[str, Any], action: str, **kw: Any) -> RedFlagRule:
    base: dict[str, Any] = {
        "id": rid,
        "condition_id": kw.pop("condition_id", rid.lower()),
        "suspected": rid,
        "features": "",
        "when": when,
        "action": action,
        "whom": "a doctor",
        "how_soon": "today",
        "advice": "see a doctor",
        "refs": ["R101"],
        "grade": "B",
    }
    return RedFlagRule.model_validate({**base, **kw})


RULES = [
    _rule(
        "RF-L1",
        {"any": [{"yes": "saddle_numbness"}, {"yes": "bladder_bowel_change"}]},
        "emergency_referral",
        condition_id="cauda_equina_syndrome_suspected",
        suspected="cauda equina syndrome",
        how_soon="now",
    ),
    _rule(
        "RF-L3",
        {"yes": "cancer_history"},
        "urgent_referral",
        condition_id="spinal_malignancy_suspected",
        suspected="spinal metastasis",
        how_soon="within 24–48 h",
    ),
    _rule(
        "RF-L4",
        {"any": [{"yes": "night_pain"}, {"yes": "weight_loss"}, {"age_at_least": 50}]},
        "proceed_with_safety_netting",
        condition_id="spinal_malignancy_suspected",
        suspected="malignancy",
        escalate_when={
            "count_at_least": {
                "n": 2,
                "of": [{"yes": "night_pain"}, {"yes": "weight_loss"}, {"age_at_least": 50}],
            }
        },
        escalate_to="urgent_referral",
        follow_up_questions=["weight_loss", "fever", "trauma", "cancer_history"],
    ),
    _rule(
        "RF-L8",
        {"finding_at_least": {"asas_ibp_criteria": 4}},
        "routine_referral",
        condition_id="axial_spa_suspected",
        suspected="axial spondyloarthritis",
        how_soon="within weeks",
    ),
]

ASAS = ClinicalTest.model_validate(
    {
        "id": "asas_ibp_criteria",
        "name": "ASAS inflammatory back pain criteria",
        "section": "B29",
        "region": "lumbar",
        "protocol": "",
        "kind": "count",
        "unit": "count",
        "bilateral": False,
        "valid_range": {"min": 0, "max": 5},
        "normal_text": "",
        "refs": [],
        "grade": "B",
    }
)

SCOLIOMETER = ClinicalTest.model_validate(
    {
        "id": "scoliometer_atr",
        "name": "Scoliometer angle of trunk rotation",
        "section": "B20",
        "region": "thoracic",
        "protocol": "",
        "kind": "numeric",
        "unit": "deg",
        "bilateral": False,
        "valid_range": {"min": 0, "max": 40},
        "normal_text": "",
        "refs": [],
        "grade": "B",
    }
)


def make_kb() -> KnowledgeBase:
    """Return a KnowledgeBase holding only the tables the screen reads."""
    return KnowledgeBase(
        version="tiny",
        references={},
        regions={},
        impairments={},
        edges={},
        interventions={},
        seed_claims={},
        seeds={},
        activities={},
        tests={t.id: t for t in (ASAS, SCOLIOMETER)},
        questions={q.id: q for q in QUESTIONS},
        red_flags={r.id: r for r in RULES},
        model=ModelParameters.model_construct(),
    )


ALL_NO = {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no", "fever": "no"}


def make_case(
    answers: dict[str, str] | None = None,
    *,
    age: int = 40,
    region: str = "lumbar",
    findings: dict[str, Any] | None = None,
) -> Case:
    """Return a small lumbar case with the given red-flag answers (all required ones 'no' by default)."""
    return parse_case(
        {
            "patient": {"age": age, "sex": "female"},
            "pain": [{"region": region, "intensity": 5, "duration_weeks": 8}],
            "red_flags": ALL_NO if answers is None else answers,
            "findings": findings or {},
        }
    )


@pytest.fixture(scope="session")
def tiny_kb() -> KnowledgeBase:
    """The tiny rule set (immutable, so shared by every test)."""
    return make_kb()


@pytest.fixture(scope="session")
def case_of() -> Callable[..., Case]:
    """`case_of(answers, age=..., region=..., findings=...)` builds a small case."""
    return make_case


@pytest.fixture(scope="session")
def all_no() -> dict[str, str]:
    """Every required lumbar question answered 'no'."""
    return dict(ALL_NO)
