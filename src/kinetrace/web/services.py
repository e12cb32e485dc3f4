"""Use cases shared by pages and API: start, screen, complete, reassess and release an assessment.

Each function runs inside the caller's request transaction: it validates first, then writes, so any error leaves
the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kinetrace.errors import ConflictError
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.storage import AssessmentRecord, PatientRecord, Scope, utcnow
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import clinics as clinic_repo
from kinetrace.storage import media as media_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.web.patient_view import PatientView, patient_view_of
from kinetrace.web.view import is_referral
from kinetrace.web.wizard import (
    counts_in_assessment,
    merge_media_findings,
    new_case,
    run_assessment,
    snapshot,
    with_identity,
)

__all__ = [
    "AssessedCase",
    "assess_draft",
    "assess_new",
    "complete",
    "export_patient",
    "draft_ranking",
    "previous_assessment",
    "patient_view",
    "patient_view_of",
    "reassess",
    "release",
    "save_case",
    "screen_red_flags",
    "start",
    "store_assessed",
    "triage_self_screen",
]


def start(
    db: Session, scope: Scope, patient_id: int, *, origin: str = "clinic", case_data: dict[str, Any] | None = None
) -> AssessmentRecord:
    """Create a draft assessment for a patient of the caller's clinic."""
    patient = patient_repo.get_patient(db, scope, patient_id)
    case = case_data if case_data is not None else new_case(patient, this_year=utcnow().year)
    record = assessment_repo.create_draft(db, scope, patient_id, case_data=case, origin=origin)
    audit_repo.record_event(db, scope, "create", "assessment", record.id)
    return record


def save_case(
    db: Session, scope: Scope, assessment_id: int, case_data: dict[str, Any], *, expected_version: int | None = None
) -> AssessmentRecord:
    """Replace a draft's case (one wizard step)."""
    record = assessment_repo.update_draft(
        db, scope, assessment_id, case_data=case_data, expected_version=expected_version
    )
    audit_repo.record_event(db, scope, "update", "assessment", assessment_id)
    return record


@dataclass(frozen=True)
class AssessedCase:
    """A case assessed, ready to store. Assessing is the slow part (inference and its uncertainty), so it runs
    in a read transaction and only `store_assessed` writes: SQLite has one writer at a time, and a writer that
    assessed inside its transaction would hold every other writer back for as long."""

    patient_id: int
    case_data: dict[str, Any]
    result_data: dict[str, Any]
    status: str
    assessment_id: int | None = None  # the draft assessed, or None for a new assessment
    draft_version: int | None = None  # the draft's version when it was read


def assess_new(
    db: Session, scope: Scope, kb: KnowledgeBase, patient_id: int, case_data: dict[str, Any], *, profile: str
) -> AssessedCase:
    """Assess a case for a new assessment of a patient of the caller's clinic (reads only)."""
    patient = patient_repo.get_patient(db, scope, patient_id)
    return _assessed(db, scope, kb, patient, case_data, profile=profile)


def assess_draft(db: Session, scope: Scope, kb: KnowledgeBase, assessment_id: int, *, profile: str) -> AssessedCase:
    """Assess a draft with its reviewed photo findings merged in (reads only)."""
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    if record.status != "draft":
        raise ConflictError(f"assessment {assessment_id} is already {record.status}.")
    # Photo findings enter only after the clinician reviewed the landmarks (confirmed or moved them); a 3-D
    # capture is a measurement and enters as soon as it is analysed.
    media = [m for m in media_repo.list_media(db, scope, assessment_id) if counts_in_assessment(m)]
    case = merge_media_findings(record.case_data, media)
    patient = patient_repo.get_patient(db, scope, record.patient_id)
    assessed = _assessed(db, scope, kb, patient, case, profile=profile)
    return AssessedCase(**{**assessed.__dict__, "assessment_id": record.id, "draft_version": record.version})


def _assessed(
    db: Session, scope: Scope, kb: KnowledgeBase, patient: PatientRecord, case: dict[str, Any], *, profile: str
) -> AssessedCase:
    case = with_identity(case, patient, **_visit(db, scope))
    result = run_assessment(case, kb, profile=profile)
    status = "referred" if is_referral(result.triage.action) else "complete"
    return AssessedCase(patient_id=patient.id, case_data=case, result_data=snapshot(result), status=status)


def store_assessed(db: Session, scope: Scope, assessed: AssessedCase) -> AssessmentRecord:
    """Store an assessed case (status `referred` when the triage refers the patient on, else `complete`).

    Raises ConflictError when the draft was changed or completed after it was read.
    """
    if assessed.assessment_id is None:
        done = assessment_repo.create_completed(
            db,
            scope,
            assessed.patient_id,
            case_data=assessed.case_data,
            result_data=assessed.result_data,
            status=assessed.status,
        )
        audit_repo.record_event(db, scope, "create", "assessment", done.id)
    else:
        done = assessment_repo.complete_assessment(
            db,
            scope,
            assessed.assessment_id,
            case_data=assessed.case_data,
            result_data=assessed.result_data,
            status=assessed.status,
            expected_version=assessed.draft_version,
        )
    audit_repo.record_event(db, scope, "complete", "assessment", done.id, detail=assessed.status)
    return done


def complete(db: Session, scope: Scope, kb: KnowledgeBase, assessment_id: int, *, profile: str) -> AssessmentRecord:
    """Assess the draft with the photo findings merged in and store the snapshot, in the caller's transaction
    (status `referred` when the triage refers the patient on, else `complete`)."""
    return store_assessed(db, scope, assess_draft(db, scope, kb, assessment_id, profile=profile))


def _visit(db: Session, scope: Scope) -> dict[str, Any]:
    """Who assessed (the signed-in user, none for a patient's self-screen), where, and today's date."""
    user = clinic_repo.get_user(db, scope.user_id) if scope.user_id is not None else None
    clinic = clinic_repo.get_clinic(db, scope.clinic_id)
    return {
        "assessor": user.name if user else None,
        "clinic": clinic.name if clinic else None,
        "on": utcnow().date().isoformat(),
    }


def screen_red_flags(
    db: Session, scope: Scope, kb: KnowledgeBase, assessment_id: int, *, profile: str
) -> AssessmentRecord | None:
    """Run the assessment on the answers so far; when triage says referral, store it as `referred` and return it.

    Returns None when the wizard may go on.
    """
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    case = with_identity(record.case_data, patient_repo.get_patient(db, scope, record.patient_id), **_visit(db, scope))
    result = run_assessment(case, kb, profile=profile)
    if not is_referral(result.triage.action):
        return None
    done = assessment_repo.complete_assessment(
        db, scope, assessment_id, case_data=case, result_data=snapshot(result), status="referred"
    )
    audit_repo.record_event(db, scope, "complete", "assessment", assessment_id, detail="referred")
    return done


def triage_self_screen(
    db: Session, scope: Scope, kb: KnowledgeBase, assessment_id: int, *, profile: str
) -> AssessmentRecord | None:
    """Screen a submitted self-screen: a referral is stored as `referred` (and returned); otherwise the draft
    keeps its triage level for the inbox order and None is returned."""
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    result = run_assessment(record.case_data, kb, profile=profile)
    if is_referral(result.triage.action):
        return screen_red_flags(db, scope, kb, assessment_id, profile=profile)
    assessment_repo.set_action_level(db, scope, assessment_id, str(result.triage.action))
    return None


def previous_assessment(db: Session, scope: Scope, record: AssessmentRecord) -> AssessmentRecord | None:
    """Return the patient's latest completed assessment before this one (what a reassessment starts from)."""
    earlier = [
        r
        for r in assessment_repo.list_assessments(db, scope, record.patient_id)
        if r.status == "complete" and r.id != record.id and r.created_at <= record.created_at
    ]
    return earlier[-1] if earlier else None


def draft_ranking(case_data: dict[str, Any], kb: KnowledgeBase, *, profile: str) -> dict[str, Any] | None:
    """Return the result the draft would give now (for ordering the tests), or None while it cannot run yet."""
    from kinetrace.errors import InputError

    try:
        return snapshot(run_assessment(case_data, kb, profile=profile))
    except InputError:
        return None


def reassess(db: Session, scope: Scope, assessment_id: int) -> AssessmentRecord:
    """Start a new draft for the same patient with the previous pain map and answers (tests start blank)."""
    previous = assessment_repo.get_assessment(db, scope, assessment_id)
    case = {k: v for k, v in previous.case_data.items() if k not in ("findings", "assessment")}  # a new visit
    return start(db, scope, previous.patient_id, case_data={**case, "findings": {}})


def patient_view(db: Session, scope: Scope, kb: KnowledgeBase, record: AssessmentRecord) -> PatientView | None:
    """Return exactly what the patient sees of an assessment: triage in plain words, safety net and the approved
    plan in patient wording (with the clinician's doses and notes). None when there is nothing to show."""
    if record.result_data is None:
        return None
    return patient_view_of(kb, record.result_data, assessment_repo.get_plan(db, scope, record.id))


def export_patient(db: Session, scope: Scope, patient_id: int) -> dict[str, Any]:
    """Return everything stored about a patient as JSON-ready data (for a data request, and before erasure)."""
    patient = patient_repo.get_patient(db, scope, patient_id)
    assessments = []
    for record in assessment_repo.list_assessments(db, scope, patient_id):
        plan = assessment_repo.get_plan(db, scope, record.id)
        media = media_repo.list_media(db, scope, record.id)
        assessments.append(
            {
                "id": record.id,
                "origin": record.origin,
                "status": record.status,
                "created_at": record.created_at.isoformat(),
                "completed_at": record.completed_at.isoformat() if record.completed_at else None,
                "case": record.case_data,
                "result": record.result_data,
                "plan": None if plan is None else {"items": plan.items, "clinician_note": plan.clinician_note},
                "media": [
                    {
                        "id": m.id,
                        "kind": m.kind,
                        "view": m.view,
                        "original_name": m.original_name,
                        "findings": m.findings,
                    }
                    for m in media
                ],
            }
        )
    return {
        "schema": "kinetrace.patient-export/1",
        "patient": {
            "id": patient.id,
            "display_name": patient.display_name,
            "reference": patient.reference,
            "birth_year": patient.birth_year,
            "sex": patient.sex,
            "activity": patient.activity,
            "created_at": patient.created_at.isoformat(),
        },
        "assessments": assessments,
    }


def release(db: Session, scope: Scope, assessment_id: int, *, is_released: bool) -> AssessmentRecord:
    """Let the patient see (or hide again) this assessment's result and plan; a plan must be approved first."""
    if is_released:
        plan = assessment_repo.get_plan(db, scope, assessment_id)
        if plan is not None and plan.approved_at is None:
            raise ConflictError("the plan is not approved yet; review and approve it before releasing it.")
    record = assessment_repo.release_assessment(db, scope, assessment_id, is_released=is_released)
    audit_repo.record_event(db, scope, "release" if is_released else "withhold", "assessment", assessment_id)
    return record
