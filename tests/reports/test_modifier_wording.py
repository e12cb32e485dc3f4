"""Whole-person factors (modifiers) are labelled as such and worded for patients from the knowledge base."""

from __future__ import annotations

import io

from rich.console import Console

from kinetrace.assessment import assess
from kinetrace.cli.render import print_assessment
from kinetrace.demo_cases import demo_case_path
from kinetrace.intake import load_case
from kinetrace.knowledge import load_knowledge
from kinetrace.reports import build_report


def _demo():  # type: ignore[no-untyped-def]
    kb = load_knowledge()
    return kb, assess(load_case(demo_case_path()), kb)


def test_every_modifier_carries_its_own_patient_note() -> None:
    kb = load_knowledge()
    modifiers = [i for i in kb.impairments.values() if i.kind == "modifier"]
    assert modifiers and all(i.patient_note for i in modifiers)


def test_sedentary_exposure_is_not_worded_as_mood_for_the_patient() -> None:
    kb, a = _demo()
    model = build_report(a, audience="clinician", generated_on="20 Nov 2026", kb=kb)
    sitting = next(r for r in [*model.ranking, *model.ranking_rest] if r.id == "sedentary_behaviour")
    assert sitting.patient_text.endswith(kb.impairments["sedentary_behaviour"].patient_note)
    assert "worry" not in sitting.patient_text


def test_terminal_labels_a_modifier_as_a_factor_not_a_local_source() -> None:
    kb, a = _demo()
    out = io.StringIO()
    print_assessment(a, Console(file=out, width=200, color_system=None), kb=kb)
    row = next(line for line in out.getvalue().splitlines() if "Sedentary behaviour" in line and "%" in line)
    assert "whole-person factor" in row and "local source" not in row
    assert "1 points" not in out.getvalue()


def test_terminal_names_pain_behaviours_in_words_not_ids() -> None:
    import yaml

    from kinetrace.intake import parse_case

    kb = load_knowledge()
    root = demo_case_path().parents[3]
    case = yaml.safe_load((root / "tests" / "cases" / "080_multi_four_regions_screen.yaml").read_text())["case"]
    out = io.StringIO()
    print_assessment(assess(parse_case(case), kb), Console(file=out, width=200, color_system=None), kb=kb)
    text = out.getvalue()
    assert "behaviour fits: pain provoked by" in text
    assert "sustained_posture" not in text


def test_handout_names_clinic_items_in_the_patients_words() -> None:
    kb, a = _demo()
    model = build_report(a, audience="patient", generated_on="20 Nov 2026", kb=kb)
    assert model.clinic_items
    for text, item in zip(model.clinic_items, [p for p in a.plan if p.intervention_id not in kb.home_exercises],
                          strict=True):
        entry = kb.interventions[item.intervention_id]
        assert text.startswith(entry.patient_name or item.name)
        assert "protocol" not in text.lower() and "SMD" not in text


def test_documents_drop_case_file_paths_and_command_hints_from_warnings() -> None:
    kb, a = _demo()
    raw = next(w for w in a.warnings if "a weekend away" in w)
    assert "pain[0].easing[2]" in raw and "kb list activities" in raw  # the terminal user edits the case file
    model = build_report(a, audience="clinician", generated_on="20 Nov 2026", kb=kb)
    shown = next(w for w in model.warnings if "a weekend away" in w)
    assert shown.startswith("Easing factor 'a weekend away' was not understood")
    assert "pain[" not in shown and "kinetrace" not in shown


def test_handout_speaks_plainly_about_safety_and_lists_only_likely_local_sources() -> None:
    kb, a = _demo()
    model = build_report(a, audience="patient", generated_on="20 Nov 2026", kb=kb)
    assert model.triage.summary == kb.self_screen.triage[str(a.triage.action)]
    assert "conservative" not in model.triage.summary
    floor = kb.model.display_threshold
    for r in model.ranking:
        if r.kind == "local":
            assert r.probability_pct is None or r.probability_pct >= round(100 * floor)
    radicular = next(r for r in a.ranking if r.id == "lumbar_radicular_pain")
    assert radicular.probability is not None and radicular.probability < floor
    assert all(r.id != "lumbar_radicular_pain" for r in model.ranking)
    clinician = build_report(a, audience="clinician", generated_on="20 Nov 2026", kb=kb)
    assert clinician.triage.summary == a.triage.summary
