"""The self-screen inbox: submitted self-screens of one clinic, and the clinician's acknowledgement of each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from kinetrace.errors import NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import Scope
from kinetrace.storage.tables import AssessmentRow, PatientRow

__all__ = ["InboxItem", "acknowledge", "count_unacknowledged", "list_inbox"]


@dataclass(frozen=True)
class InboxItem:
    """One submitted self-screen and its patient, as the inbox lists it."""

    assessment_id: int
    patient_id: int
    patient_name: str
    status: str
    action_level: str | None
    created_at: datetime
    acknowledged_at: datetime | None


# Built once (bind parameters): building and keying this join per request cost more CPU than running it.
_LIST = (
    select(
        AssessmentRow.id,
        AssessmentRow.patient_id,
        PatientRow.display_name,
        AssessmentRow.status,
        AssessmentRow.action_level,
        AssessmentRow.created_at,
        AssessmentRow.acknowledged_at,
    )
    .join(PatientRow, PatientRow.id == AssessmentRow.patient_id)
    .where(
        AssessmentRow.clinic_id == bindparam("clinic_id"),
        AssessmentRow.origin == "self_screen",
        AssessmentRow.archived_at.is_(None),
    )
    .order_by(AssessmentRow.acknowledged_at.is_not(None), AssessmentRow.created_at.desc())
    .limit(bindparam("limit"))
)


def list_inbox(session: Session, scope: Scope, *, limit: int = 200) -> list[InboxItem]:
    """Return the clinic's self-screens, not yet acknowledged first, newest first within each group."""
    rows = session.execute(_LIST, {"clinic_id": scope.clinic_id, "limit": limit})
    return [InboxItem(*row) for row in rows]


def count_unacknowledged(session: Session, scope: Scope, *, action_levels: Collection[str]) -> int:
    """Return how many self-screens with one of `action_levels` nobody has acknowledged yet."""
    return int(
        session.scalar(
            select(func.count(AssessmentRow.id)).where(
                AssessmentRow.clinic_id == scope.clinic_id,
                AssessmentRow.origin == "self_screen",
                AssessmentRow.acknowledged_at.is_(None),
                AssessmentRow.archived_at.is_(None),
                AssessmentRow.action_level.in_(list(action_levels)),
            )
        )
        or 0
    )


def acknowledge(session: Session, scope: Scope, assessment_id: int) -> None:
    """Mark a self-screen of the caller's clinic as seen by a clinician (idempotent)."""
    row = session.scalar(
        select(AssessmentRow).where(AssessmentRow.id == assessment_id, AssessmentRow.clinic_id == scope.clinic_id)
    )
    if row is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of an assessment of your clinic")
    if row.acknowledged_at is None:
        row.acknowledged_at = utcnow()
        session.flush()
