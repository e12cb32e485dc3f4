"""The self-screen inbox: every submitted self-screen, most urgent first, until a clinician acknowledges it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from kinetrace.storage import audit as audit_repo
from kinetrace.storage import inbox as inbox_repo
from kinetrace.storage.inbox import InboxItem
from kinetrace.web.deps import DB, CsrfChecked, CurrentUser, RecordId, State, UserScope
from kinetrace.web.inbox import ALERT_LEVELS, triage_rank

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["self-screen inbox"])


class InboxItemPublic(BaseModel):
    """A submitted self-screen as the inbox lists it."""

    assessment_id: int
    patient_id: int
    status: str
    action_level: str | None
    is_flagged: bool
    created_at: datetime
    acknowledged_at: datetime | None


def _ordered(items: list[InboxItem]) -> list[InboxItem]:
    """Unacknowledged first; within each group the most urgent triage level first, then the newest."""
    by_time = sorted(items, key=lambda i: i.created_at, reverse=True)
    return sorted(by_time, key=lambda i: (i.acknowledged_at is not None, triage_rank(i.action_level)))


@pages.get("/inbox")
def inbox_page(request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope) -> Response:
    """List submitted self-screens by triage level, with a button to acknowledge each."""
    items = _ordered(inbox_repo.list_inbox(db, scope))
    return state.templates.TemplateResponse(
        request, "inbox.html", {"user": user, "items": items, "alert_levels": ALERT_LEVELS}
    )


def _acknowledge(state: State, db: DB, scope: UserScope, assessment_id: RecordId) -> None:
    inbox_repo.acknowledge(db, scope, assessment_id)
    audit_repo.record_event(db, scope, "acknowledge", "assessment", assessment_id)
    state.inbox_alerts.forget(scope.clinic_id)  # type: ignore[union-attr]


@pages.post("/inbox/{assessment_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge_page(state: State, db: DB, scope: UserScope, assessment_id: RecordId) -> Response:
    """Mark a self-screen as seen; its flag disappears from every page."""
    _acknowledge(state, db, scope, assessment_id)
    return RedirectResponse("/inbox", status_code=303)


@api.get("/inbox", response_model=list[InboxItemPublic])
def inbox_api(db: DB, scope: UserScope) -> list[InboxItemPublic]:
    """Return the clinic's self-screens: unacknowledged first, most urgent triage level first."""
    return [
        InboxItemPublic(
            assessment_id=i.assessment_id,
            patient_id=i.patient_id,
            status=i.status,
            action_level=i.action_level,
            is_flagged=i.acknowledged_at is None and i.action_level in ALERT_LEVELS,
            created_at=i.created_at,
            acknowledged_at=i.acknowledged_at,
        )
        for i in _ordered(inbox_repo.list_inbox(db, scope))
    ]


@api.post("/inbox/{assessment_id}/acknowledge", status_code=204, dependencies=[CsrfChecked])
def acknowledge_api(state: State, db: DB, scope: UserScope, assessment_id: RecordId) -> Response:
    """Mark a self-screen of the caller's clinic as seen by a clinician."""
    _acknowledge(state, db, scope, assessment_id)
    return Response(status_code=204)
