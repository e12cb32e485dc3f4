"""The identity block of a case (patient, visit, complaint) as carried by every result, report and export."""

from __future__ import annotations

from kinetrace.intake.case import Case
from kinetrace.result import CaseIdentity, ComplaintEntry

__all__ = ["case_identity"]


def case_identity(case: Case) -> CaseIdentity:
    """Return who was assessed, when, by whom, and the complaint (pain map), copied from `case`."""
    visit = case.assessment
    return CaseIdentity(
        assessed_on=visit.date.isoformat() if visit else None,
        assessed_at=visit.time.strftime("%H:%M") if visit and visit.time else None,
        assessor=visit.assessor if visit else None,
        clinic=visit.clinic if visit else None,
        patient_ref=case.patient.id,
        patient_name=case.patient.name,
        age=case.patient.age,
        sex=case.patient.sex,
        birth_date=case.patient.birth_date.isoformat() if case.patient.birth_date else None,
        function_instrument=case.function.instrument if case.function else None,
        function_score=case.function.score if case.function else None,
        function_higher_is_better=case.function.higher_is_better if case.function else False,
        complaint=[
            ComplaintEntry(region=p.region, side=p.side, intensity=p.intensity, duration_weeks=p.duration_weeks,
                           aggravating=list(p.aggravating), easing=list(p.easing), night_pain=p.night_pain)
            for p in case.pain
        ],
    )
