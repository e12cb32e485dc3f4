"""The report model is built by a pure function and worded by the clinical output rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from kinetrace.knowledge.schema import ActionLevel
from kinetrace.reports import build_report
from kinetrace.reports.body import ChainArrow, PainMark, body_svg
from kinetrace.reports.build import format_reading, grade_words
from kinetrace.result import Assessment, Flag


def _build(a: Assessment, audience: str = "clinician", **kw: Any):  # type: ignore[no-untyped-def]
    return build_report(a, audience=audience, generated_on="21 Nov 2026", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("grade", "words"), [("A", "strong evidence"), ("A/B", "moderate evidence"),
                                              ("C", "limited evidence"), ("EO", "expert opinion only"),
                                              ("EO ✗", "evidence against it")])
def test_grade_words_follow_the_lower_part_of_a_split_grade(grade: str, words: str) -> None:
    assert grade_words(grade) == words


def test_readings_carry_units_and_photo_uncertainty(sample: Assessment) -> None:
    by_id = {f.test_id: f for f in sample.findings}
    assert format_reading(by_id["hip_ir_prone"]) == "L 22° · R 38°"
    assert format_reading(by_id["craniovertebral_angle"]) == "43° (±2.5°)"
    assert format_reading(by_id["laslett_sij_cluster"]) == "1"


def test_builder_is_pure_and_stamps_version_and_profile(sample: Assessment) -> None:
    before = sample.model_dump()
    model = _build(sample)
    assert sample.model_dump() == before
    assert (model.kb_version, model.profile) == ("kb-3f9a1c2e", "evidence")
    assert _build(sample) == model  # same input, same report


def test_remote_items_are_hedged_for_patients(sample: Assessment) -> None:
    model = _build(sample, "patient")
    hip = next(r for r in model.ranking if r.id == "limited_hip_ir")
    assert "may contribute" in hip.patient_text and "not a proven cause" in hip.patient_text
    assert "limited evidence" in hip.patient_text  # E06 is grade C
    assert all("the cause is" not in r.patient_text.lower() for r in model.ranking)


def test_red_flag_suppresses_chain_and_plan(sample: Assessment) -> None:
    flag = Flag(rule_id="RF-L1", condition_id="cauda_equina_syndrome_suspected", suspected="Cauda equina syndrome",
                action=ActionLevel.EMERGENCY_REFERRAL, reason="saddle numbness: yes", whom="emergency department",
                how_soon="now", advice="Go to the emergency department now.", refs=["R101"], grade="B")
    triage = sample.triage.model_copy(update={"action": ActionLevel.EMERGENCY_REFERRAL, "flags": [flag],
                                              "plan_suppressed": True, "chain_suppressed": True})
    model = _build(sample.model_copy(update={"triage": triage}))
    assert model.triage.tone == "danger" and model.triage.headline.startswith("Emergency")
    assert model.ranking == [] and "marker-end" not in model.body_svg  # no chain arrow drawn


def test_knowledge_base_resolves_names_regions_and_references(demo: tuple, kb: Any) -> None:
    assessment, case = demo
    model = _build(assessment, kb=kb, case=case)
    assert [p.region for p in model.pain] == ["lumbar"] and model.pain[0].intensity == 5
    assert all(ref.citation for ref in model.references)
    # issue 11: references are numbered citations ([1], [2], ...) in order of first citation
    assert [ref.id for ref in model.references] == [str(i) for i in range(1, len(model.references) + 1)]
    numbers = {ref.id for ref in model.references}
    assert all(set(p.refs) <= numbers and p.refs for p in model.plan)
    assert "kt-arrow" in model.body_svg  # at least one chain drawn from hip to lumbar


def test_body_outline_is_valid_svg_with_one_arrow_per_known_link() -> None:
    chains = [ChainArrow("hip", "lumbar", "C", "E06", source_side="right"),
              ChainArrow("ankle", "knee", "B", source_side="left"), ChainArrow("x", "lumbar", "A")]
    svg = body_svg(pain=[PainMark("lumbar", "right"), PainMark("cervical_lower")], chains=chains)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    arrows = [p for p in root.iter(f"{ns}path") if p.get("marker-end")]
    assert len(arrows) == 2  # the unknown region is skipped, not guessed
    assert arrows[0].get("stroke-dasharray")  # a grade-C link is drawn dashed
    assert not arrows[1].get("stroke-dasharray")  # a grade-B link is solid
    assert "E06" not in svg and ">1</text>" in svg  # issue 11: a number labels the arrow, never an edge id


def test_a_result_from_another_knowledge_base_version_is_flagged(sample: Assessment, kb: Any) -> None:
    from kinetrace.reports import compose_report

    model = compose_report(sample, audience="clinician", generated_on="x", kb=kb)
    assert sample.kb_version != kb.version
    assert any("knowledge base kb-3f9a1c2e" in w and kb.version in w for w in model.warnings)


def test_weak_flags_that_allow_the_plan_are_not_called_no_red_flag(sample: Assessment) -> None:
    flag = Flag(rule_id="RF-L4", condition_id="malignancy_screening", suspected="Malignancy (screening)",
                action=ActionLevel.PROCEED_WITH_SAFETY_NETTING, reason="age 51 and pain in the hip", whom="GP",
                how_soon="at review", advice="See your GP if no better in 4 to 6 weeks.", refs=["R103"], grade="C")
    model = _build(sample.model_copy(update={"triage": sample.triage.model_copy(update={"flags": [flag]})}))
    assert model.triage.tone == "warn" and "No red flag" not in model.triage.headline


def test_clinician_report_shows_uncertainty_intervals_when_the_result_has_them() -> None:
    from kinetrace import assess, load_case, load_knowledge
    from kinetrace.demo_cases import example_paths
    from kinetrace.reports import model_html

    demo = load_case(next(p for p in example_paths() if p.stem == "demo"))
    report = _build(assess(demo, load_knowledge(), uncertainty=True))
    shown = [r for r in report.ranking if r.probability_pct is not None]
    assert shown and all(r.interval_pct and r.interval_pct[0] <= r.interval_pct[1] for r in shown)
    html = model_html(report)
    assert f"{shown[0].interval_pct[0]}–{shown[0].interval_pct[1]}%" in html
    assert report.uncertainty and report.uncertainty in html
