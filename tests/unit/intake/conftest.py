"""A tiny knowledge base for intake tests: a few regions, tests of every shape, questions and activities.

The numbers are chosen for the tests (valid ranges as in clinical.md where one exists), not read from the
shipped data, so these tests pin the intake logic even while the data changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import Activity, ClinicalTest, ModelParameters, Question, Region


def _region(rid: str) -> Region:
    return Region(id=rid, name=rid.title(), role="mobility", order=1, notes="", refs=[], grade="EO")


def _test(tid: str, **kw: Any) -> ClinicalTest:
    base: dict[str, Any] = {
        "id": tid,
        "name": tid.replace("_", " "),
        "section": "B1",
        "region": "hip",
        "protocol": "",
        "normal_text": "",
        "refs": [],
        "grade": "B",
        "bilateral": False,
    }
    return ClinicalTest.model_validate({**base, **kw})


TESTS = [
    _test("hip_ir_prone", kind="numeric", unit="deg", bilateral=True, valid_range={"min": -30, "max": 90}),
    _test("craniovertebral_angle", kind="numeric", unit="deg", valid_range={"min": 10, "max": 80}),
    _test("leg_length_difference", kind="numeric", unit="mm", valid_range={"min": 0, "max": 80}),
    _test(
        "single_leg_stance_eyes_open",
        kind="numeric",
        unit="s",
        bilateral=True,
        valid_range={"min": 0, "max": 120},
    ),
    _test(
        "straight_leg_raise",
        kind="categorical",
        unit="none",
        bilateral=True,
        categories=["positive", "negative"],
    ),
    _test(
        "sahrmann_lumbar_direction",
        kind="categorical",
        unit="none",
        categories=["none", "flexion", "extension", "rotation"],
    ),
    _test("laslett_sij_cluster", kind="count", unit="count", valid_range={"min": 0, "max": 5}),
    _test("ankle_sprain_history", kind="yes_no", unit="none"),
    _test("lat_length_compensation", kind="yes_no", unit="none", bilateral=True),
]

QUESTIONS = [
    Question(id="saddle_numbness", text="Numbness around the back passage or genitals?", required_for=["lumbar"]),
    Question(id="cancer_history", text="Have you ever had cancer?", required_always=True),
    Question(id="fever", text="Fever or feeling unwell?", required_for=["lumbar", "thoracic"]),
    Question(id="trauma", text="A fall or accident before the pain?"),
]

ACTIVITIES = [
    Activity(
        id="trunk_rotation",
        name="Twisting the trunk",
        behaviour="rotation",
        keywords=["twist", "twisting", "turning around", "golf"],
    ),
    Activity(
        id="trunk_flexion",
        name="Bending forward",
        behaviour="flexion",
        keywords=["bending", "bending forward", "tying shoes"],
    ),
    Activity(
        id="turning_in_bed",
        name="Turning over in bed",
        behaviour="rotation",
        keywords=["turning over in bed"],
    ),
    Activity(id="lying_down", name="Lying down", keywords=["in bed", "lying"]),
    Activity(id="walking", name="Walking", behaviour="standing_walking", keywords=["walk", "walking", "hiking"]),
    Activity(
        id="sustained_sitting",
        name="Prolonged sitting",
        behaviour="sustained_posture",
        keywords=["sitting", "desk", "driving"],
    ),
    Activity(id="screen_use", name="Screen use", behaviour="sustained_posture", keywords=["phone", "laptop"]),
]


def make_kb(**overrides: Any) -> KnowledgeBase:
    """Return a KnowledgeBase holding only the tables intake and safety read."""
    tables: dict[str, Any] = {
        "version": "tiny",
        "references": {},
        "impairments": {},
        "edges": {},
        "interventions": {},
        "red_flags": {},
        "seed_claims": {},
        "seeds": {},
        "regions": {r: _region(r) for r in ("hip", "pelvis", "lumbar", "thoracic", "cervical_lower")},
        "tests": {t.id: t for t in TESTS},
        "questions": {q.id: q for q in QUESTIONS},
        "activities": {a.id: a for a in ACTIVITIES},
        "model": ModelParameters.model_construct(),
    }
    return KnowledgeBase(**{**tables, **overrides})


@pytest.fixture
def tiny_kb() -> KnowledgeBase:
    return make_kb()
