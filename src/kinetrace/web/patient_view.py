"""What the patient reads of a released result: the approved plan in patient wording, never the clinician's text.

A plan item with a home version (home_exercises.yaml) shows its name, reason, drawing, steps, dose, how often, how
it should feel and when to progress or stop; an item done with the clinician shows its plain `patient_name` and
`patient_summary` (interventions.yaml). The clinician's note, and a dose the clinician changed, are shown as
theirs; a changed dose replaces the usual home dose. The triage banner uses the patient wording of the action level
(self_screen.yaml) and each flag's own advice. Formatting only: every word comes from the knowledge base, the stored
result or the clinician.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.storage import PlanRecord

__all__ = ["FlagAdvice", "PatientItem", "PatientView", "ScheduleLine", "patient_triage_text", "patient_view_of"]


@dataclass(frozen=True)
class FlagAdvice:
    """One red flag as the patient reads it: whom to see, how soon, and what to do."""

    whom: str
    how_soon: str
    advice: str


@dataclass(frozen=True)
class PatientItem:
    """One plan item in the patient's words; `at_home` items carry the home-exercise fields."""

    intervention_id: str
    name: str
    why: str
    at_home: bool
    clinician_dose: str = ""  # a dose the clinician changed or wrote: it replaces the usual one
    clinician_note: str = ""
    svg: Markup = Markup("")
    steps: tuple[str, ...] = ()
    usual_dose: str = ""
    how_often: str = ""
    feel: str = ""
    progress: str = ""
    stop: str = ""
    days: tuple[bool, ...] = ()  # Monday to Sunday, for the weekly schedule


@dataclass(frozen=True)
class ScheduleLine:
    """One row of the weekly schedule: a home exercise and its days (Monday first), or the clinician's dose."""

    name: str
    days: tuple[bool, ...]
    clinician_dose: str = ""


@dataclass(frozen=True)
class PatientView:
    """Everything the patient's page (and the clinician's release preview) shows."""

    action: str
    triage_text: str
    flags: tuple[FlagAdvice, ...]
    has_plan: bool
    plan_suppressed: bool
    note: str
    items: tuple[PatientItem, ...]
    schedule: tuple[ScheduleLine, ...]
    safety_net: tuple[str, ...]


def _same_text(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


def _usual_doses(kb: KnowledgeBase, result_data: Mapping[str, Any]) -> dict[str, str]:
    """The dose each intervention had before the clinician's edit: the suggested plan's, else the knowledge base's."""
    doses = {iv.id: (iv.dosage.text if iv.dosage is not None else "") for iv in kb.interventions.values()}
    doses.update({str(p.get("intervention_id")): p.get("dosage") or "" for p in result_data.get("plan", [])})
    return doses


def _clinician_dose(item: Mapping[str, Any], usual: Mapping[str, str]) -> str:
    """The dose as the clinician wrote it, or "" when it is the suggested one (clinician wording, not shown)."""
    dose = str(item.get("dosage") or "").strip()
    return "" if not dose or _same_text(dose, usual.get(str(item.get("intervention_id")), "")) else dose


def _item(kb: KnowledgeBase, item: Mapping[str, Any], usual: Mapping[str, str]) -> PatientItem | None:
    from kinetrace.reports.home import exercise_view  # lazy: the drawings module is only needed here

    iid = str(item.get("intervention_id", ""))
    dose, note = _clinician_dose(item, usual), str(item.get("clinician_note") or "").strip()
    exercise = kb.home_exercises.get(iid)
    if exercise is not None:
        ex = exercise_view(exercise)
        return PatientItem(
            intervention_id=iid,
            name=ex.name,
            why=ex.why,
            at_home=True,
            clinician_dose=dose,
            clinician_note=note,
            svg=Markup(ex.svg),
            steps=tuple(ex.steps),
            usual_dose=ex.dose,
            how_often=ex.how_often,
            feel=ex.feel,
            progress=ex.progress,
            stop=ex.stop,
            days=tuple(ex.days),
        )
    entry = kb.interventions.get(iid)
    if entry is None:  # an intervention since removed from the knowledge base: only the clinician's words remain
        return None if not (dose or note) else PatientItem(iid, "From your clinician", "", False, dose, note)
    return PatientItem(iid, entry.patient_name, entry.patient_summary, False, clinician_dose=dose, clinician_note=note)


def _schedule(items: Sequence[PatientItem]) -> tuple[ScheduleLine, ...]:
    return tuple(ScheduleLine(i.name, i.days, i.clinician_dose) for i in items if i.at_home)


def patient_triage_text(kb: KnowledgeBase, triage: Mapping[str, Any]) -> str:
    """Return what the safety check means in the patient's words (self_screen.yaml), by triage action level."""
    wording = kb.self_screen.triage if kb.self_screen is not None else {}
    # Without patient wording (a small test knowledge base) the clinician's summary is safer than silence.
    return wording.get(str(triage.get("action", ""))) or str(triage.get("summary", ""))


def _flags(triage: Mapping[str, Any]) -> tuple[FlagAdvice, ...]:
    return tuple(
        FlagAdvice(str(f.get("whom", "")), str(f.get("how_soon", "")), str(f.get("advice", "")))
        for f in triage.get("flags", [])
    )


def patient_view_of(kb: KnowledgeBase, result_data: Mapping[str, Any], plan: PlanRecord | None) -> PatientView:
    """Return what the patient sees of a stored result and its approved plan, in the patient's words."""
    triage = result_data.get("triage", {})
    usual = _usual_doses(kb, result_data)
    items = tuple(i for i in (_item(kb, p, usual) for p in (plan.items if plan else [])) if i is not None)
    return PatientView(
        action=str(triage.get("action", "")),
        triage_text=patient_triage_text(kb, triage),
        flags=_flags(triage),
        has_plan=plan is not None,
        plan_suppressed=bool(triage.get("plan_suppressed", False)),
        note=plan.clinician_note if plan is not None else "",
        items=items,
        schedule=_schedule(items),
        safety_net=tuple(str(s) for s in result_data.get("safety_net", [])),
    )
