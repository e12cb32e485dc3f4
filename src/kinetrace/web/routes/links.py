"""Self-screen links: the clinician issues one; the patient answers intake and red flags and adds photos.

A referral answer shows the patient the advice at once. Everything else goes to the clinician, and the patient
later sees only what the clinician releases.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from kinetrace.errors import InputError, NotFoundError
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import links as link_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.storage import utcnow
from kinetrace.web import services
from kinetrace.web.deps import DB, KB, CsrfChecked, FormFields, RecordId, State, UserScope
from kinetrace.web.errors import problems_of
from kinetrace.web.patient_view import patient_triage_text
from kinetrace.web.routes.media import save_upload
from kinetrace.web.wizard import age_from_form, new_case, pain_from_form, red_flags_from_form

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["self-screen links"])


class LinkPublic(BaseModel):
    """A newly issued link: the URL is shown once and cannot be recovered later."""

    url: str
    expires_at: datetime


def _issue(request: Request, state: State, db: DB, scope: UserScope, patient_id: RecordId) -> LinkPublic:
    token, link = link_repo.issue_link(
        db, scope, patient_id, valid_for=timedelta(hours=state.settings.link_valid_hours)
    )
    audit_repo.record_event(db, scope, "create", "screen_link", link.id)
    # The address comes from the settings, never from the request's Host header (which a client can set).
    url = f"{state.settings.public_url.rstrip('/')}/s/{token}"
    return LinkPublic(url=url, expires_at=link.expires_at)


@pages.post("/patients/{patient_id}/links", dependencies=[CsrfChecked])
def issue_link_page(request: Request, state: State, db: DB, scope: UserScope, patient_id: RecordId) -> Response:
    """Issue a link and show it once on the patient's timeline."""
    link = _issue(request, state, db, scope, patient_id)
    request.session["new_link"] = link.url
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@api.post("/patients/{patient_id}/links", response_model=LinkPublic, status_code=201, dependencies=[CsrfChecked])
def issue_link_api(request: Request, state: State, db: DB, scope: UserScope, patient_id: RecordId) -> LinkPublic:
    """Issue a single-use self-screen link for a patient of the caller's clinic."""
    return _issue(request, state, db, scope, patient_id)


@pages.get("/s/{token}", name="self_screen")
def self_screen(request: Request, state: State, db: DB, kb: KB, token: str) -> Response:
    """Show the patient's intake: body map, red-flag questions and optional photos."""
    scope, link = link_repo.open_link(db, token, now=utcnow())
    patient = patient_repo.get_patient(db, scope, link.patient_id)
    context = {"token": token, "kb": kb, "errors": {}, "form": {}, "needs_age": patient.birth_year is None}
    return state.templates.TemplateResponse(request, "self_screen.html", context)


@pages.post("/s/{token}", dependencies=[CsrfChecked])
def self_screen_submit(
    request: Request,
    state: State,
    db: DB,
    kb: KB,
    background: BackgroundTasks,
    token: str,
    form: FormFields,
    front: Annotated[UploadFile | None, File()] = None,
    side: Annotated[UploadFile | None, File()] = None,
    back: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Store the answers and photos in one transaction and use up the link; show referral advice at once."""
    now = utcnow()
    scope, link = link_repo.open_link(db, token, now=now)
    patient = patient_repo.get_patient(db, scope, link.patient_id)
    case = new_case(patient, this_year=now.year)
    try:
        pain = pain_from_form(form)
        if not pain:
            raise InputError("pain", None, "at least one place that hurts, ticked on the body map")
        case["patient"] = age_from_form(form, case["patient"])
    except InputError as exc:
        errors = {e["field"]: e["message"] for e in problems_of(exc)}
        context = {"token": token, "kb": kb, "errors": errors, "form": form, "needs_age": "age" not in case["patient"]}
        return state.templates.TemplateResponse(request, "self_screen.html", context, status_code=422)
    case = {**case, "pain": pain, "red_flags": red_flags_from_form(form, kb.questions)}
    record = services.start(db, scope, link.patient_id, origin="self_screen", case_data=case)
    uploads = (("front", front), ("auto", side), ("back", back))
    media_ids = [save_upload(state, db, scope, record.id, f, view).id for view, f in uploads if f and f.filename]
    stopped = services.triage_self_screen(db, scope, kb, record.id, profile=state.settings.profile)
    state.inbox_alerts.forget(scope.clinic_id)  # type: ignore[union-attr]
    link_repo.redeem_link(db, token, assessment_id=record.id, now=now)
    for media_id in media_ids:
        background.add_task(state.jobs.submit, media_id)  # type: ignore[union-attr]
    flags = (stopped.result_data or {}).get("triage", {}) if stopped else None
    said = patient_triage_text(kb, flags) if flags else ""
    context = {"triage": flags, "triage_text": said, "token": token}
    return state.templates.TemplateResponse(request, "self_screen_done.html", context)


@pages.get("/s/{token}/result")
def self_screen_result(request: Request, state: State, db: DB, kb: KB, token: str) -> Response:
    """Show the patient the result and the approved plan once the clinician released them; a release stays
    readable for `result_valid_days` after it was made, however long ago the link itself expired."""
    now = utcnow()
    try:
        scope, link = link_repo.find_used_link(db, token)
    except NotFoundError:
        scope, link = link_repo.find_link(db, token, now=now)  # a valid link not used yet: nothing released
    view = None
    if link.assessment_id is not None:
        record = assessment_repo.get_assessment(db, scope, link.assessment_id)
        keep = timedelta(days=state.settings.result_valid_days)
        if record.is_released and record.released_at is not None and record.released_at + keep > now:
            view = services.patient_view(db, scope, kb, record)
    return state.templates.TemplateResponse(request, "self_screen_result.html", {"view": view})
