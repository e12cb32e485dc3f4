"""The §F notes word numbers that live in model.yaml (with their grade and references), not in Python."""

from __future__ import annotations

from kinetrace.knowledge import load_knowledge
from kinetrace.reasoning.quantitative import quantitative_notes


def _head_note(**changes: object) -> str:
    facts = load_knowledge().model.quantitative.model_copy(update=changes)
    note = quantitative_notes(lld_mm=None, measured_obliquity_deg=None, forward_head=True, facts=facts)[0]
    return note.text


def test_head_note_states_the_shipped_head_weight_and_lever() -> None:
    # model.yaml: 60 N head (60 / 9.80665 ≈ 6 kg) on a 0.16 m lever; 60 × 0.16 × sin 30° = 4.8 N·m
    text = _head_note()
    assert "6 kg head on a 16 cm lever is 4.8 N·m at 30°" in text and "grade C" in text


def test_head_note_follows_the_data_when_a_clinic_changes_it() -> None:
    # 50 N ≈ 5 kg on 0.12 m: 50 × 0.12 × sin 30° = 3 N·m
    text = _head_note(head_weight_n=50.0, head_lever_m=0.12, hansraj_grade="B", head_note_refs=["R38"])
    assert "5 kg head on a 12 cm lever is 3 N·m at 30°" in text and "grade B" in text


def test_note_references_come_from_the_data() -> None:
    facts = load_knowledge().model.quantitative
    notes = quantitative_notes(lld_mm=10, measured_obliquity_deg=None, forward_head=True, facts=facts)
    assert [n.refs for n in notes] == [list(facts.lld_note_refs), list(facts.head_note_refs)]
