"""The audit log: who viewed or changed which record, never what it contained."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinetrace.storage.database import utcnow
from kinetrace.storage.records import AuditEntry, Scope
from kinetrace.storage.tables import AuditRow

__all__ = ["list_audit", "record_event"]


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
