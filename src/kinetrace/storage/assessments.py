"""Assessments of one clinic: drafts saved step by step, then completed in a single transaction.

Completing writes the result snapshot, the knowledge-base version, the measurements and the plan together,
so a crash at any moment leaves either the untouched draft or the complete assessment: never anything between.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from kinetrace.errors import ConflictError, NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import AssessmentRecord, AssessmentSummary, PlanRecord, Scope
from kinetrace.storage.tables import AssessmentRow, MeasurementRow, PatientRow, PlanRow

__all__ = [
    "complete_assessment",
    "create_completed",
    "create_draft",
    "delete_draft",
    "get_assessment",
    "get_plan",
    "get_summary",
    "list_assessments",
    "list_summaries",
    "release_assessment",
    "save_plan",
    "set_action_level",
    "update_draft",
]

_EDITABLE = ("draft",)


def _record(row: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        patient_id=row.patient_id,
        origin=row.origin,  # type: ignore[arg-type]
        status=row.status,  # type: ignore[arg-type]
        case_data=dict(row.case_data),
        result_data=None if row.result_data is None else dict(row.result_data),
        kb_version=row.kb_version,
        profile=row.profile,
        action_level=row.action_level,
        is_released=row.is_released,
        version=row.version,
        created_at=row.created_at,
        completed_at=row.completed_at,
        acknowledged_at=row.acknowledged_at,
        released_at=row.released_at,
        archived_at=row.archived_at,
    )


# Hot statements are built once with bind parameters: building one per call costs more CPU than the SQLite
# lookup itself (coercion and cache key). Every one still filters on the caller's clinic.
_BY_ID = (AssessmentRow.id == bindparam("assessment_id"), AssessmentRow.clinic_id == bindparam("clinic_id"))
_OF_PATIENT = (AssessmentRow.patient_id == bindparam("patient_id"), AssessmentRow.clinic_id == bindparam("clinic_id"))
_GET_ROW = select(AssessmentRow).where(*_BY_ID)
_GET_ROW_FOR_UPDATE = _GET_ROW.with_for_update()


def _row(session: Session, scope: Scope, assessment_id: int, *, for_update: bool = False) -> AssessmentRow:
    stmt = _GET_ROW_FOR_UPDATE if for_update else _GET_ROW
    row = session.scalar(stmt, {"assessment_id": assessment_id, "clinic_id": scope.clinic_id})
    if row is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of an assessment of your clinic")
    return row


def create_draft(
    session: Session, scope: Scope, patient_id: int, *, case_data: dict[str, Any], origin: str = "clinic"
) -> AssessmentRecord:
    """Start a draft assessment for a patient of the caller's clinic."""
    owner = session.scalar(
        select(PatientRow.id).where(PatientRow.id == patient_id, PatientRow.clinic_id == scope.clinic_id)
    )
    if owner is None:
        raise NotFoundError("patient_id", patient_id, "the id of a patient of your clinic")
    now = utcnow()
    row = AssessmentRow(
        clinic_id=scope.clinic_id,
        patient_id=patient_id,
        created_by=scope.user_id,
        origin=origin,
        status="draft",
        case_data=case_data,
        result_data=None,
        profile="evidence",
        is_released=False,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _record(row)


def get_assessment(session: Session, scope: Scope, assessment_id: int) -> AssessmentRecord:
    """Return one assessment of the caller's clinic, or raise NotFoundError."""
    return _record(_row(session, scope, assessment_id))


_LIST_ROWS = select(AssessmentRow).where(*_OF_PATIENT).order_by(AssessmentRow.created_at, AssessmentRow.id)


def list_assessments(session: Session, scope: Scope, patient_id: int) -> list[AssessmentRecord]:
    """Return a patient's assessments, oldest first (the timeline order)."""
    rows = session.scalars(_LIST_ROWS, {"patient_id": patient_id, "clinic_id": scope.clinic_id})
    return [_record(r) for r in rows]


_SUMMARY_COLUMNS = (
    AssessmentRow.id,
    AssessmentRow.patient_id,
    AssessmentRow.origin,
    AssessmentRow.status,
    AssessmentRow.action_level,
    AssessmentRow.is_released,
    AssessmentRow.created_at,
    AssessmentRow.completed_at,
    AssessmentRow.version,
)
_LIST_SUMMARIES = select(*_SUMMARY_COLUMNS).where(*_OF_PATIENT).order_by(AssessmentRow.created_at, AssessmentRow.id)
_GET_SUMMARY = select(*_SUMMARY_COLUMNS, AssessmentRow.kb_version, AssessmentRow.released_at).where(*_BY_ID)


def list_summaries(session: Session, scope: Scope, patient_id: int) -> list[AssessmentSummary]:
    """Return a patient's assessments without case or result (cheap, for timelines), oldest first."""
    rows = session.execute(_LIST_SUMMARIES, {"patient_id": patient_id, "clinic_id": scope.clinic_id})
    return [AssessmentSummary(*row) for row in rows]


def get_summary(session: Session, scope: Scope, assessment_id: int) -> AssessmentSummary:
    """Return one assessment of the caller's clinic without its case and result (no JSON parsed), or raise
    NotFoundError: enough to decide what a page shows when its formatted parts are cached."""
    row = session.execute(_GET_SUMMARY, {"assessment_id": assessment_id, "clinic_id": scope.clinic_id}).one_or_none()
    if row is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of an assessment of your clinic")
    return AssessmentSummary(*row[:9], kb_version=row[9], released_at=row[10])


def update_draft(
    session: Session,
    scope: Scope,
    assessment_id: int,
    *,
    case_data: dict[str, Any],
    status: str = "draft",
    expected_version: int | None = None,
) -> AssessmentRecord:
    """Replace a draft's case; a finished assessment or a stale version raises ConflictError."""
    row = _row(session, scope, assessment_id, for_update=True)
    if row.status not in _EDITABLE:
        raise ConflictError(f"assessment {assessment_id} is {row.status}; start a reassessment to change it.")
    if expected_version is not None and expected_version != row.version:
        raise ConflictError(
            f"assessment {assessment_id} was changed elsewhere (version {row.version}, "
            f"you edited {expected_version}); reload and try again."
        )
    row.case_data = case_data
    row.status = status
    row.version += 1
    row.updated_at = utcnow()
    session.flush()
    return _record(row)


def complete_assessment(
    session: Session,
    scope: Scope,
    assessment_id: int,
    *,
    case_data: dict[str, Any],
    result_data: dict[str, Any],
    status: str = "complete",
    expected_version: int | None = None,
) -> AssessmentRecord:
    """Store the result snapshot, measurements and plan with the case, in the caller's transaction.

    With `expected_version` (a draft assessed before this transaction), a draft changed since raises ConflictError.
    """
    row = _row(session, scope, assessment_id, for_update=True)
    if row.status not in _EDITABLE:
        raise ConflictError(f"assessment {assessment_id} is already {row.status}.")
    if expected_version is not None and expected_version != row.version:
        raise ConflictError(
            f"assessment {assessment_id} was changed while it was being assessed (version {row.version}, "
            f"assessed {expected_version}); complete it again."
        )
    row.case_data = case_data
    row.version += 1
    _set_result(row, result_data=result_data, status=status)
    _add_outputs(session, scope, row)
    return _record(row)


def create_completed(
    session: Session,
    scope: Scope,
    patient_id: int,
    *,
    case_data: dict[str, Any],
    result_data: dict[str, Any],
    status: str = "complete",
    origin: str = "clinic",
) -> AssessmentRecord:
    """Store a new assessment that is finished at once (case, result, measurements and plan in one insert), for
    a case assessed before the write transaction began."""
    owner = session.scalar(
        select(PatientRow.id).where(PatientRow.id == patient_id, PatientRow.clinic_id == scope.clinic_id)
    )
    if owner is None:
        raise NotFoundError("patient_id", patient_id, "the id of a patient of your clinic")
    now = utcnow()
    row = AssessmentRow(
        clinic_id=scope.clinic_id,
        patient_id=patient_id,
        created_by=scope.user_id,
        origin=origin,
        case_data=case_data,
        is_released=False,
        version=2,  # as a draft created and then completed
        created_at=now,
    )
    _set_result(row, result_data=result_data, status=status)
    session.add(row)
    session.flush()  # gives the row its id
    _add_outputs(session, scope, row)
    return _record(row)


def _set_result(row: AssessmentRow, *, result_data: dict[str, Any], status: str) -> None:
    now = row.created_at if row.id is None else utcnow()  # a new row is created and completed at one moment
    row.result_data = result_data
    row.kb_version = str(result_data.get("kb_version", ""))
    row.profile = str(result_data.get("profile", "evidence"))
    row.action_level = str(result_data.get("triage", {}).get("action", "")) or None
    row.status = status
    row.updated_at = row.completed_at = now


def _add_outputs(session: Session, scope: Scope, row: AssessmentRow) -> None:
    """Add the measurements of the row's case and, when complete, the suggested plan (the row has its id)."""
    case_data, result_data = row.case_data, row.result_data or {}
    for test_id, raw in (case_data.get("findings") or {}).items():
        for entry in raw if isinstance(raw, list) else [raw]:
            session.add(
                MeasurementRow(
                    clinic_id=scope.clinic_id,
                    assessment_id=row.id,
                    test_id=test_id,
                    entry=dict(entry),
                    method=entry.get("method"),
                )
            )
    if row.status == "complete":
        session.add(
            PlanRow(
                clinic_id=scope.clinic_id,
                assessment_id=row.id,
                items={"items": list(result_data.get("plan", []))},
                clinician_note="",
                created_at=row.completed_at,
            )
        )
    session.flush()


def release_assessment(session: Session, scope: Scope, assessment_id: int, *, is_released: bool) -> AssessmentRecord:
    """Mark whether the patient may see this assessment's result and plan (and when it was released)."""
    row = _row(session, scope, assessment_id, for_update=True)
    row.is_released = is_released
    row.released_at = utcnow() if is_released else None
    row.version += 1
    session.flush()
    return _record(row)


_GET_PLAN = select(PlanRow).where(
    PlanRow.assessment_id == bindparam("assessment_id"), PlanRow.clinic_id == bindparam("clinic_id")
)
_OWNED_ID = select(AssessmentRow.id).where(*_BY_ID)


def get_plan(session: Session, scope: Scope, assessment_id: int) -> PlanRecord | None:
    """Return the stored plan of an assessment of the caller's clinic, or None if it has none."""
    params = {"assessment_id": assessment_id, "clinic_id": scope.clinic_id}
    row = session.scalar(_GET_PLAN, params)
    if row is None:
        # only the id: loading the whole assessment would parse its stored case and result JSON for nothing
        owned = session.scalar(_OWNED_ID, params)
        if owned is None:
            raise NotFoundError("assessment_id", assessment_id, "the id of an assessment of your clinic")
        return None
    return _plan(row)


def _plan(row: PlanRow) -> PlanRecord:
    return PlanRecord(
        id=row.id,
        assessment_id=row.assessment_id,
        items=list(row.items.get("items", [])),
        clinician_note=row.clinician_note,
        approved_at=row.approved_at,
        version=row.version or 1,
    )


def save_plan(
    session: Session,
    scope: Scope,
    assessment_id: int,
    *,
    items: list[dict[str, Any]],
    clinician_note: str,
    approve: bool,
    expected_version: int | None = None,
) -> PlanRecord:
    """Replace the plan's items and note; `approve` marks it approved, any other edit withdraws the approval.

    Raises ConflictError when the plan changed since `expected_version` or the assessment was released.
    """
    row = session.scalar(
        select(PlanRow)
        .where(PlanRow.assessment_id == assessment_id, PlanRow.clinic_id == scope.clinic_id)
        .with_for_update()
    )
    if row is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of a completed assessment of your clinic")
    if expected_version is not None and expected_version != (row.version or 1):
        raise ConflictError(f"the plan was changed elsewhere (version {row.version}); reload and try again.")
    if _row(session, scope, assessment_id).is_released:
        raise ConflictError("the plan is released to the patient; withdraw it before editing.")
    row.items = {"items": items}
    row.clinician_note = clinician_note
    row.approved_at = utcnow() if approve else None
    row.approved_by = scope.user_id if approve else None
    row.version = (row.version or 1) + 1
    session.flush()
    return _plan(row)


def set_action_level(session: Session, scope: Scope, assessment_id: int, action_level: str) -> None:
    """Record the triage level of a draft (a self-screen that did not stop at a referral), for the inbox."""
    row = _row(session, scope, assessment_id, for_update=True)
    row.action_level = action_level
    session.flush()


def delete_draft(session: Session, scope: Scope, assessment_id: int) -> list[str]:
    """Delete a draft assessment of the caller's clinic with its media rows; return the media file names for the
    caller to remove after the commit. A finished assessment raises ConflictError (archive the patient instead)."""
    from kinetrace.storage.tables import MediaRow, ScreenLinkRow

    row = _row(session, scope, assessment_id, for_update=True)
    if row.status != "draft":
        raise ConflictError(f"assessment {assessment_id} is {row.status}; only drafts can be deleted.")
    files = list(session.scalars(select(MediaRow.stored_name).where(MediaRow.assessment_id == assessment_id)))
    session.execute(delete(MediaRow).where(MediaRow.assessment_id == assessment_id))
    session.execute(
        update(ScreenLinkRow).where(ScreenLinkRow.assessment_id == assessment_id).values(assessment_id=None)
    )
    session.delete(row)
    session.flush()
    return files
