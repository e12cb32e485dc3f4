"""Self-screen links: single use and expiring; the token is shown once and only its hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from kinetrace.errors import InputError, NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import Scope, ScreenLinkRecord
from kinetrace.storage.tables import PatientRow, ScreenLinkRow

__all__ = ["find_link", "find_used_link", "issue_link", "list_links", "open_link", "redeem_link"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _record(row: ScreenLinkRow) -> ScreenLinkRecord:
    return ScreenLinkRecord(
        id=row.id,
        patient_id=row.patient_id,
        expires_at=row.expires_at,
        used_at=row.used_at,
        assessment_id=row.assessment_id,
        created_at=row.created_at,
    )


def issue_link(
    session: Session, scope: Scope, patient_id: int, *, valid_for: timedelta
) -> tuple[str, ScreenLinkRecord]:
    """Create a link for a patient of the caller's clinic; return (token, record). Only the hash is kept."""
    if scope.user_id is None:
        raise InputError("user", None, "a signed-in clinician")
    owner = session.scalar(
        select(PatientRow.id).where(PatientRow.id == patient_id, PatientRow.clinic_id == scope.clinic_id)
    )
    if owner is None:
        raise NotFoundError("patient_id", patient_id, "the id of a patient of your clinic")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = ScreenLinkRow(
        clinic_id=scope.clinic_id,
        patient_id=patient_id,
        created_by=scope.user_id,
        token_hash=_hash(token),
        expires_at=now + valid_for,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return token, _record(row)


# Built once (bind parameters): every view of a patient's timeline lists the links.
_LIST = (
    select(ScreenLinkRow)
    .where(ScreenLinkRow.patient_id == bindparam("patient_id"), ScreenLinkRow.clinic_id == bindparam("clinic_id"))
    .order_by(ScreenLinkRow.id.desc())
)


def list_links(session: Session, scope: Scope, patient_id: int) -> list[ScreenLinkRecord]:
    """Return a patient's links, newest first."""
    rows = session.scalars(_LIST, {"patient_id": patient_id, "clinic_id": scope.clinic_id})
    return [_record(r) for r in rows]


def open_link(session: Session, token: str, *, now: datetime) -> tuple[Scope, ScreenLinkRecord]:
    """Return the clinic scope and record of an unused, unexpired link, or raise NotFoundError."""
    row = session.scalar(select(ScreenLinkRow).where(ScreenLinkRow.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise NotFoundError(
            "link",
            None,
            "a valid self-screen link; it may have expired or been used already. Ask your clinician for a new one",
        )
    return Scope(clinic_id=row.clinic_id, user_id=None), _record(row)


def redeem_link(session: Session, token: str, *, assessment_id: int, now: datetime) -> None:
    """Mark a link used by the submitted assessment; a second use raises NotFoundError (single use)."""
    result = session.execute(
        update(ScreenLinkRow)
        .where(
            ScreenLinkRow.token_hash == _hash(token),
            ScreenLinkRow.used_at.is_(None),
            ScreenLinkRow.expires_at > now,
        )
        .values(used_at=now, assessment_id=assessment_id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFoundError("link", None, "a valid self-screen link; it was used or expired meanwhile")


def find_link(session: Session, token: str, *, now: datetime) -> tuple[Scope, ScreenLinkRecord]:
    """Return an unexpired link whether used or not (to show the patient what the clinician released)."""
    row = session.scalar(select(ScreenLinkRow).where(ScreenLinkRow.token_hash == _hash(token)))
    if row is None or row.expires_at <= now:
        raise NotFoundError("link", None, "a valid self-screen link; it may have expired")
    return Scope(clinic_id=row.clinic_id, user_id=None), _record(row)


def find_used_link(session: Session, token: str) -> tuple[Scope, ScreenLinkRecord]:
    """Return a link that was used to submit a self-screen, expired or not: released results outlive the link
    (the caller checks how long the release itself stays readable)."""
    row = session.scalar(select(ScreenLinkRow).where(ScreenLinkRow.token_hash == _hash(token)))
    if row is None or row.assessment_id is None:
        raise NotFoundError("link", None, "a self-screen link that was used to send answers")
    return Scope(clinic_id=row.clinic_id, user_id=None), _record(row)
