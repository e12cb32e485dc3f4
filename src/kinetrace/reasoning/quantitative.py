"""Modelled quantities used in explanations (clinical.md §F), always labelled as modelled, never as measured.

- Leg-length difference → predicted pelvic obliquity for a rigid pelvis pivoting on the hip joint centres (§F.4).
- Head flexion → Hansraj's modelled "equivalent load" (§F.1) and the simple static moment W·r·sin θ (§F.2),
  reported side by side and never mixed.
"""

from __future__ import annotations

import math

import numpy as np

from kinetrace.knowledge.schema import QuantitativeFacts
from kinetrace.result import QuantitativeNote

# standard gravity (physics, not a clinical number): turns the head weight in newtons into kilograms
_STANDARD_GRAVITY_M_S2 = 9.80665

__all__ = ["cervical_load_kg", "obliquity_from_lld_deg", "quantitative_notes", "static_head_moment_nm"]


def obliquity_from_lld_deg(lld_mm: float, *, iasis_mm: float, facts: QuantitativeFacts) -> float:
    """Pelvic obliquity in degrees predicted from a leg-length difference: asin(ΔL / (f · inter-ASIS)).

    `f` is `hjc_fraction_of_iasis` from model.yaml (the hip joint centres' spacing as a share of the inter-ASIS
    distance, clinical.md §F.4).

    >>> from kinetrace.knowledge import load_knowledge
    >>> round(obliquity_from_lld_deg(10, iasis_mm=250, facts=load_knowledge().model.quantitative), 1)
    3.2
    """
    d_hjc = facts.hjc_fraction_of_iasis * iasis_mm
    return math.degrees(math.asin(min(1.0, abs(lld_mm) / d_hjc)))


def cervical_load_kg(head_flexion_deg: float, *, facts: QuantitativeFacts) -> float | None:
    """Hansraj's modelled load (kg) interpolated at `head_flexion_deg`; None beyond 60° where the model fails."""
    if head_flexion_deg < 0 or head_flexion_deg > max(facts.hansraj_flexion_deg):
        return None
    return float(np.interp(head_flexion_deg, facts.hansraj_flexion_deg, facts.hansraj_load_kg))


def static_head_moment_nm(head_flexion_deg: float, *, facts: QuantitativeFacts) -> float:
    """Static moment of the head about C7 in N·m: W · r · sin θ (derived physics, §F.2)."""
    return facts.head_weight_n * facts.head_lever_m * math.sin(math.radians(head_flexion_deg))


def _lld_note(lld_mm: float, measured_deg: float | None, facts: QuantitativeFacts) -> QuantitativeNote:
    values = {f"predicted_deg_iasis_{int(w)}mm": round(obliquity_from_lld_deg(lld_mm, iasis_mm=w, facts=facts), 2)
              for w in facts.iasis_mm_default}
    text = (f"A {lld_mm:g} mm leg-length difference would tilt a rigid pelvis by about "
            f"{min(values.values()):.1f}–{max(values.values()):.1f}° (modelled, clinical.md §F.4). ")
    if measured_deg is not None:
        values["measured_deg"] = measured_deg
        text += (f"The measured obliquity is {measured_deg:g}°; people usually compensate, so a smaller measured "
                 "tilt is expected, while a large mismatch suggests compensation, functional asymmetry or "
                 "measurement error.")
    return QuantitativeNote(id="lld_to_obliquity", title="Leg-length difference and pelvic tilt (modelled)",
                            text=text, values=values, refs=list(facts.lld_note_refs))


def _head_note(facts: QuantitativeFacts) -> QuantitativeNote:
    values: dict[str, float] = {}
    angles = [int(a) for a in facts.hansraj_flexion_deg]
    for angle in angles:
        load = cervical_load_kg(angle, facts=facts)
        values[f"hansraj_kg_at_{angle}deg"] = round(load or 0.0, 1)
        values[f"static_moment_nm_at_{angle}deg"] = round(static_head_moment_nm(angle, facts=facts), 1)
    loads = ", ".join(f"{values[f'hansraj_kg_at_{a}deg']:g} kg at {a}°" for a in angles)
    middle = angles[len(angles) // 2]
    head_kg = facts.head_weight_n / _STANDARD_GRAVITY_M_S2
    text = (f"Modelled neck load rises as the head bends forward: {loads} (Hansraj's finite-element model, "
            f"illustrative only, grade {facts.hansraj_grade}). The plain static moment of a {head_kg:.0f} kg head "
            f"on a {facts.head_lever_m * 100:g} cm lever is {values[f'static_moment_nm_at_{middle}deg']:g} N·m at "
            f"{middle}° (derived physics; the two are different quantities and are not mixed).")
    return QuantitativeNote(id="head_flexion_load", title="Head position and modelled neck load", text=text,
                            values=values, refs=list(facts.head_note_refs))


def quantitative_notes(*, lld_mm: float | None, measured_obliquity_deg: float | None, forward_head: bool,
                       facts: QuantitativeFacts) -> list[QuantitativeNote]:
    """Return the notes relevant to this case."""
    notes = []
    if lld_mm is not None and lld_mm > 0:
        notes.append(_lld_note(lld_mm, measured_obliquity_deg, facts))
    if forward_head:
        notes.append(_head_note(facts))
    return notes
