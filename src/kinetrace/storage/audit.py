"""The audit log: who viewed or changed which record, never what it contained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinetrace.storage.database import utcnow
from kinetrace.storage.records import AuditEntry, Scope
from kinetrace.storage.tables import AuditRow

__all__ = ["AuditEvent", "has_event", "list_audit", "record_event", "record_events"]


def record_event(
    session: Session,
    scope: Scope | None,
    action: str,
    resource: str,
    resource_id: int | None = None,
    *,
    detail: str = "",
) -> None:
    """Add one audit line in the current transaction (so it commits or rolls back with the change)."""
    session.add(
        AuditRow(
            clinic_id=scope.clinic_id if scope else None,
            user_id=scope.user_id if scope else None,
            action=action,
            resource=resource,
            resource_id=resource_id,
            detail=detail[:200],
            at=utcnow(),
        )
    )


@dataclass(frozen=True)
class AuditEvent:
    """One audit line waiting to be written (views are written in batches, off the request)."""

    clinic_id: int | None
    user_id: int | None
    action: str
    resource: str
    resource_id: int | None
    at: datetime
    detail: str = ""


def record_events(session: Session, events: list[AuditEvent]) -> None:
    """Add several audit lines in one go (the buffered view log)."""
    session.add_all(
        AuditRow(
            clinic_id=e.clinic_id,
            user_id=e.user_id,
            action=e.action,
            resource=e.resource,
            resource_id=e.resource_id,
            detail=e.detail[:200],
            at=e.at,
        )
        for e in events
    )


def list_audit(session: Session, scope: Scope, *, limit: int = 200) -> list[AuditEntry]:
    """Return the newest audit lines of the caller's clinic."""
    rows = session.scalars(
        select(AuditRow).where(AuditRow.clinic_id == scope.clinic_id).order_by(AuditRow.id.desc()).limit(limit)
    )
    return [
        AuditEntry(
            id=r.id,
            user_id=r.user_id,
            action=r.action,
            resource=r.resource,
            resource_id=r.resource_id,
            detail=r.detail,
            at=r.at,
        )
        for r in rows
    ]


def has_event(session: Session, scope: Scope, action: str, resource: str, resource_id: int) -> bool:
    """Return True when the clinic's audit log has this action on this record (e.g. an export before erasure)."""
    found = session.scalar(
        select(AuditRow.id)
        .where(
            AuditRow.clinic_id == scope.clinic_id,
            AuditRow.action == action,
            AuditRow.resource == resource,
            AuditRow.resource_id == resource_id,
        )
        .limit(1)
    )
    return found is not None
