"""A finished assessment: results, plan, release to the patient, reassessment and report download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kinetrace.errors import NotFoundError
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.web import services
from kinetrace.web.deps import DB, KB, CsrfChecked, CurrentUser, RecordId, State, UserScope
from kinetrace.web.reporting import render_report, report_available

__all__ = ["pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)


def _context(db: DB, scope: UserScope, kb: KB, assessment_id: RecordId) -> dict[str, Any]:
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    patient = patient_repo.get_patient(db, scope, record.patient_id)
    result = record.result_data or {}
    return {"record": record, "patient": patient, "result": result, "kb": kb, "report_available": report_available()}


@pages.get("/assessments/{assessment_id}")
def result_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show triage, ranked sources with probabilities, the chain on the body, grades and the next best test."""
    context = _context(db, scope, kb, assessment_id)
    if context["record"].status == "draft":
        return RedirectResponse(f"/assessments/{assessment_id}/pain", status_code=303)
    context["result_body"] = state.fragments.result_body(context["record"], kb, state.templates.env)
    state.view_log.viewed(scope, "assessment", assessment_id)
    return state.templates.TemplateResponse(request, "result.html", {"user": user, **context})


@pages.get("/assessments/{assessment_id}/plan")
def plan_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show the plan: each item with its dose, grade, sources and the finding that chose it."""
    context = _context(db, scope, kb, assessment_id)
    plan = assessment_repo.get_plan(db, scope, assessment_id)
    state.view_log.viewed(scope, "plan", assessment_id)
    context["plan_body"] = state.fragments.plan_body(context["record"], plan, kb, state.templates.env)
    return state.templates.TemplateResponse(request, "plan.html", {"user": user, **context})


@pages.post("/assessments/{assessment_id}/release", dependencies=[CsrfChecked])
def release(db: DB, scope: UserScope, assessment_id: RecordId, released: Annotated[str, Form()] = "yes") -> Response:
    """Let the patient see this result and plan through their self-screen link (or hide it again)."""
    services.release(db, scope, assessment_id, is_released=released == "yes")
    return RedirectResponse(f"/assessments/{assessment_id}/release", status_code=303)


@pages.post("/assessments/{assessment_id}/reassess", dependencies=[CsrfChecked])
def reassess(db: DB, scope: UserScope, assessment_id: RecordId) -> Response:
    """Start a reassessment with the same pain map and answers."""
    record = services.reassess(db, scope, assessment_id)
    return RedirectResponse(f"/assessments/{record.id}/pain", status_code=303)


@pages.get("/assessments/{assessment_id}/report.{fmt}")
def report(state: State, db: DB, scope: UserScope, kb: KB, assessment_id: RecordId, fmt: str) -> Response:
    """Download the report as HTML or PDF (when the reports module is installed)."""
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    if record.result_data is None or fmt not in ("html", "pdf") or not report_available():
        raise NotFoundError("report", fmt, "report.html or report.pdf of a finished assessment")
    earlier = [
        r
        for r in assessment_repo.list_assessments(db, scope, record.patient_id)
        if r.status == "complete" and r.completed_at and record.completed_at and r.completed_at < record.completed_at
    ]
    body, media_type = render_report(record, kb, fmt=fmt, previous=earlier[-1] if earlier else None)
    state.view_log.viewed(scope, "assessment", assessment_id, action="export", detail=fmt)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="kinetrace-assessment-{assessment_id}.{fmt}"'},
    )
