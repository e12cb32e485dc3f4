"""A finished assessment: results, plan, release to the patient, reassessment and report download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kinetrace.errors import NotFoundError
from kinetrace.storage import AssessmentRecord, MediaRecord
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import media as media_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.web import services
from kinetrace.web.capture_view import CaptureDetails, capture_details
from kinetrace.web.deps import DB, KB, CsrfChecked, CurrentUser, RecordId, State, UserScope
from kinetrace.web.reporting import capture_plots, render_report, report_available

__all__ = ["pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)


def _loader(db: DB, scope: UserScope, assessment_id: int) -> Callable[[], AssessmentRecord]:
    """Load the whole record (case and result JSON) at most once, and only when a cached part is missing."""
    loaded: list[AssessmentRecord] = []

    def load() -> AssessmentRecord:
        if not loaded:
            loaded.append(assessment_repo.get_assessment(db, scope, assessment_id))
        return loaded[0]

    return load


@pages.get("/assessments/{assessment_id}")
def result_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show triage, ranked sources with probabilities, the chain on the body, grades and the next best test."""
    summary = assessment_repo.get_summary(db, scope, assessment_id)
    if summary.status == "draft":
        return RedirectResponse(f"/assessments/{assessment_id}/pain", status_code=303)
    patient = patient_repo.get_patient(db, scope, summary.patient_id)
    load = _loader(db, scope, assessment_id)
    env = state.templates.env
    head = state.fragments.result_head(summary, load, kb, env)
    body = state.fragments.result_body(load, kb, env, key=(summary.id, summary.version))
    state.view_log.viewed(scope, "assessment", assessment_id)
    context = {
        "user": user,
        "record": summary,
        "patient": patient,
        "report_available": report_available(),
        "result_body": body,
        "captures": _captures(state, db, scope, assessment_id),
        **head,
    }
    return state.templates.TemplateResponse(request, "result.html", context)


def _captures(state: State, db: DB, scope: UserScope, assessment_id: int) -> list[tuple[MediaRecord, CaptureDetails]]:
    """The assessment's analysed 3-D captures with their page view (findings, gates, plot and stick figure)."""
    shown = []
    for media in media_repo.list_captures(db, scope, assessment_id):
        details = capture_details(state.uploads_dir, media)
        if details is not None:
            shown.append((media, details))
    return shown


@pages.get("/assessments/{assessment_id}/plan")
def plan_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show the plan: each item with its dose, grade, sources and the finding that chose it."""
    summary = assessment_repo.get_summary(db, scope, assessment_id)
    if summary.status == "draft":  # no result yet, so no plan: back to the wizard (was a 500)
        return RedirectResponse(f"/assessments/{assessment_id}/pain", status_code=303)
    patient = patient_repo.get_patient(db, scope, summary.patient_id)
    plan = assessment_repo.get_plan(db, scope, assessment_id)
    state.view_log.viewed(scope, "plan", assessment_id)
    body = state.fragments.plan_body(summary, _loader(db, scope, assessment_id), plan, kb, state.templates.env)
    context = {"user": user, "record": summary, "patient": patient, "plan_body": body}
    return state.templates.TemplateResponse(request, "plan.html", context)


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
    plots = capture_plots(state.uploads_dir, media_repo.list_captures(db, scope, assessment_id))
    body, media_type = render_report(record, kb, fmt=fmt, previous=earlier[-1] if earlier else None, photos=plots)
    state.view_log.viewed(scope, "assessment", assessment_id, action="export", detail=fmt)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="kinetrace-assessment-{assessment_id}.{fmt}"'},
    )
