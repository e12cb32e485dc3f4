"""Uploaded photos and videos: rows and the analysis state the background job updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from kinetrace.errors import NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import MediaRecord, Scope
from kinetrace.storage.tables import AssessmentRow, MediaRow

__all__ = [
    "delete_media",
    "mark_reviewed",
    "add_media",
    "claim_for_analysis",
    "get_media",
    "list_queued",
    "list_captures",
    "list_media",
    "requeue_interrupted",
    "save_analysis",
    "save_edited_landmarks",
    "set_progress",
]


def _record(row: MediaRow) -> MediaRecord:
    return MediaRecord(
        id=row.id,
        assessment_id=row.assessment_id,
        kind=row.kind,  # type: ignore[arg-type]
        view=row.view,
        movement_test=row.movement_test,
        original_name=row.original_name,
        stored_name=row.stored_name,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        status=row.status,  # type: ignore[arg-type]
        progress=row.progress,
        error=row.error,
        landmarks=row.landmarks,
        edited_landmarks=row.edited_landmarks,
        findings=row.findings,
        warnings=row.warnings,
        created_at=row.created_at,
        reviewed_at=row.reviewed_at,
    )


def add_media(
    session: Session,
    scope: Scope,
    assessment_id: int,
    *,
    kind: str,
    view: str,
    original_name: str,
    stored_name: str,
    content_type: str,
    size_bytes: int,
    sha256: str,
    movement_test: str | None = None,
) -> MediaRecord:
    """Record an uploaded file (already moved into place) against an assessment of the caller's clinic."""
    owner = session.scalar(
        select(AssessmentRow.id).where(AssessmentRow.id == assessment_id, AssessmentRow.clinic_id == scope.clinic_id)
    )
    if owner is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of an assessment of your clinic")
    row = MediaRow(
        clinic_id=scope.clinic_id,
        assessment_id=assessment_id,
        kind=kind,
        view=view,
        movement_test=movement_test,
        original_name=original_name[:255],
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size_bytes,
        sha256=sha256,
        status="queued",
        progress=0,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _record(row)


def get_media(session: Session, scope: Scope, media_id: int) -> MediaRecord:
    """Return one media record of the caller's clinic, or raise NotFoundError."""
    row = session.scalar(select(MediaRow).where(MediaRow.id == media_id, MediaRow.clinic_id == scope.clinic_id))
    if row is None:
        raise NotFoundError("media_id", media_id, "the id of a photo or video of your clinic")
    return _record(row)


def list_media(session: Session, scope: Scope, assessment_id: int) -> list[MediaRecord]:
    """Return the media of one assessment, in upload order."""
    rows = session.scalars(
        select(MediaRow)
        .where(MediaRow.assessment_id == assessment_id, MediaRow.clinic_id == scope.clinic_id)
        .order_by(MediaRow.id)
    )
    return [_record(r) for r in rows]


# Built once (bind parameters): the result page asks for captures on every view.
_LIST_CAPTURES = (
    select(MediaRow)
    .where(
        MediaRow.assessment_id == bindparam("assessment_id"),
        MediaRow.clinic_id == bindparam("clinic_id"),
        MediaRow.kind == "capture",
    )
    .order_by(MediaRow.id)
)


def list_captures(session: Session, scope: Scope, assessment_id: int) -> list[MediaRecord]:
    """Return the multi-camera 3-D captures of one assessment, in upload order."""
    rows = session.scalars(_LIST_CAPTURES, {"assessment_id": assessment_id, "clinic_id": scope.clinic_id})
    return [_record(r) for r in rows]


def set_progress(session: Session, media_id: int, *, status: str, progress: int, error: str | None = None) -> None:
    """Update the analysis state of one media row (called by the background job, which has no user)."""
    session.execute(
        update(MediaRow).where(MediaRow.id == media_id).values(status=status, progress=progress, error=error)
    )


def save_analysis(
    session: Session,
    media_id: int,
    *,
    landmarks: dict[str, Any] | None,
    findings: dict[str, Any] | None,
    error: str | None = None,
    warnings: list[str] | None = None,
) -> None:
    """Store the analysis outcome of a running media row: landmarks and findings, or the error.

    Nothing is stored when the row was queued again meanwhile (landmarks edited): the newer run will store it.
    """
    status = "failed" if error else "done"
    session.execute(
        update(MediaRow)
        .where(MediaRow.id == media_id, MediaRow.status == "running")
        .values(status=status, progress=100, error=error, landmarks=landmarks, findings=findings, warnings=warnings)
    )


def save_edited_landmarks(session: Session, scope: Scope, media_id: int, *, landmarks: dict[str, Any]) -> MediaRecord:
    """Store landmarks the clinician moved and queue the photo for re-analysis from them."""
    row = session.scalar(select(MediaRow).where(MediaRow.id == media_id, MediaRow.clinic_id == scope.clinic_id))
    if row is None:
        raise NotFoundError("media_id", media_id, "the id of a photo or video of your clinic")
    row.edited_landmarks = landmarks
    row.status, row.progress, row.error = "queued", 0, None
    row.reviewed_at = utcnow()  # the clinician looked at (and moved) the points: the landmarks are reviewed
    session.flush()
    return _record(row)


def _owned(session: Session, scope: Scope, media_id: int) -> MediaRow:
    row = session.scalar(select(MediaRow).where(MediaRow.id == media_id, MediaRow.clinic_id == scope.clinic_id))
    if row is None:
        raise NotFoundError("media_id", media_id, "the id of a photo or video of your clinic")
    return row


def mark_reviewed(session: Session, scope: Scope, media_id: int) -> MediaRecord:
    """Record that the clinician confirmed the detected landmarks as they are (photo findings may now merge)."""
    row = _owned(session, scope, media_id)
    row.reviewed_at = utcnow()
    session.flush()
    return _record(row)


def delete_media(session: Session, scope: Scope, media_id: int) -> MediaRecord:
    """Delete a photo or video row of the caller's clinic; the caller removes the file after the commit."""
    row = _owned(session, scope, media_id)
    record = _record(row)
    session.delete(row)
    session.flush()
    return record


def claim_for_analysis(session: Session, media_id: int) -> bool:
    """Mark a queued media row as running; False when it is not queued (already taken, done or gone)."""
    result = session.execute(
        update(MediaRow)
        .where(MediaRow.id == media_id, MediaRow.status == "queued")
        .values(status="running", progress=10)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def list_queued(session: Session) -> list[int]:
    """Return the ids of media waiting for analysis, oldest first."""
    return list(session.scalars(select(MediaRow.id).where(MediaRow.status == "queued").order_by(MediaRow.id)))


def requeue_interrupted(session: Session) -> list[int]:
    """Return the ids of media whose analysis was queued or cut off by a restart, reset to queued."""
    ids = list(session.scalars(select(MediaRow.id).where(MediaRow.status.in_(("queued", "running")))))
    if ids:
        session.execute(update(MediaRow).where(MediaRow.id.in_(ids)).values(status="queued", progress=0))
    return ids
