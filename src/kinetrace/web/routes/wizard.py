"""The new-assessment wizard: pain map → red flags → tests → photos → review. Each step saves the draft."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kinetrace.errors import InputError
from kinetrace.storage import AssessmentRecord, Scope, UserRecord
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import media as media_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.web import services
from kinetrace.web.analysis import movement_tests
from kinetrace.web.deps import DB, KB, CsrfChecked, CurrentUser, FormFields, RecordId, State, UserScope
from kinetrace.web.errors import problems_of
from kinetrace.web.wizard import (
    age_from_form,
    carried_findings,
    check_carried,
    check_case,
    counts_in_assessment,
    findings_from_form,
    lay_out_tests,
    pain_from_form,
    red_flags_from_form,
)

__all__ = ["pages", "render_photos"]

pages = APIRouter(tags=["pages"], include_in_schema=False)

STEPS = (
    ("pain", "Pain map"),
    ("red-flags", "Red flags"),
    ("tests", "Tests"),
    ("photos", "Photos"),
    ("review", "Review"),
)


def _draft(db: DB, scope: UserScope, assessment_id: RecordId) -> AssessmentRecord:
    return assessment_repo.get_assessment(db, scope, assessment_id)


def _render(
    request: Request,
    state: State,
    db: DB,
    user: UserRecord,
    record: AssessmentRecord,
    step: str,
    extra: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    if record.status != "draft":
        return RedirectResponse(f"/assessments/{record.id}", status_code=303)
    patient = patient_repo.get_patient(db, _scope_of(user), record.patient_id)
    context = {
        "user": user,
        "record": record,
        "case": record.case_data,
        "patient": patient,
        "step": step,
        "steps": STEPS,
        "kb": state.kb(),
        "errors": {},
        **(extra or {}),
    }
    return state.templates.TemplateResponse(
        request, f"wizard_{step.replace('-', '_')}.html", context, status_code=status_code
    )


def _scope_of(user: UserRecord) -> Scope:
    return Scope(user.clinic_id, user.id)


def _field_errors(exc: InputError) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problems_of(exc)}


@pages.post("/patients/{patient_id}/assessments", dependencies=[CsrfChecked])
def start_assessment(db: DB, scope: UserScope, patient_id: RecordId) -> Response:
    """Start a new assessment (a draft) and open the pain map."""
    record = services.start(db, scope, patient_id)
    return RedirectResponse(f"/assessments/{record.id}/pain", status_code=303)


@pages.get("/assessments/{assessment_id}/pain")
def pain_step(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, assessment_id: RecordId
) -> Response:
    """Show the body map (front and back) with intensity and duration for each ticked region."""
    return _render(request, state, db, user, _draft(db, scope, assessment_id), "pain")


@pages.post("/assessments/{assessment_id}/pain", dependencies=[CsrfChecked])
def pain_save(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    form: FormFields,
    assessment_id: RecordId,
) -> Response:
    """Save the pain map and go on to the red-flag questions."""
    record = _draft(db, scope, assessment_id)
    try:
        pain = pain_from_form(form)
        if not pain:
            raise InputError("pain", None, "at least one painful region ticked on the body map")
        patient = age_from_form(form, record.case_data.get("patient", {}))
        services.save_case(db, scope, assessment_id, {**record.case_data, "patient": patient, "pain": pain})
    except InputError as exc:
        return _render(
            request, state, db, user, record, "pain", {"errors": _field_errors(exc), "form": form}, status_code=422
        )
    return RedirectResponse(f"/assessments/{assessment_id}/red-flags", status_code=303)


@pages.get("/assessments/{assessment_id}/red-flags")
def red_flag_step(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, assessment_id: RecordId
) -> Response:
    """Show the red-flag questions; those the pain map makes necessary come first."""
    return _render(request, state, db, user, _draft(db, scope, assessment_id), "red-flags")


@pages.post("/assessments/{assessment_id}/red-flags", dependencies=[CsrfChecked])
def red_flag_save(
    state: State, db: DB, scope: UserScope, kb: KB, form: FormFields, assessment_id: RecordId
) -> Response:
    """Save the answers; a referral answer stops the wizard and shows the referral advice."""
    record = _draft(db, scope, assessment_id)
    answers = red_flags_from_form(form, kb.questions)
    services.save_case(db, scope, assessment_id, {**record.case_data, "red_flags": answers})
    stopped = services.screen_red_flags(db, scope, kb, assessment_id, profile=state.settings.profile)
    if stopped is not None:
        return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)
    return RedirectResponse(f"/assessments/{assessment_id}/tests", status_code=303)


def _tests_context(state: State, db: DB, scope: Scope, kb: KB, record: AssessmentRecord) -> dict[str, Any]:
    previous = services.previous_assessment(db, scope, record)
    result = services.draft_ranking(record.case_data, kb, profile=state.settings.profile)
    return {
        "layout": lay_out_tests(kb, record.case_data, result),
        "carried": carried_findings(previous.case_data if previous else None),
        "previous": previous,
    }


@pages.get("/assessments/{assessment_id}/tests")
def test_step(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show the tests that matter most first (the next best test on top), then by region, painful regions first;
    a reassessment starts from the previous visit's values, each to confirm or change."""
    record = _draft(db, scope, assessment_id)
    if record.status != "draft":
        return RedirectResponse(f"/assessments/{record.id}", status_code=303)
    return _render(request, state, db, user, record, "tests", _tests_context(state, db, scope, kb, record))


@pages.post("/assessments/{assessment_id}/tests", dependencies=[CsrfChecked])
def test_save(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    kb: KB,
    form: FormFields,
    assessment_id: RecordId,
) -> Response:
    """Save the test results (blank = not tested) after checking them against each test's valid range."""
    record = _draft(db, scope, assessment_id)
    if record.status != "draft":
        return RedirectResponse(f"/assessments/{record.id}", status_code=303)
    context = _tests_context(state, db, scope, kb, record)
    try:
        case = {**record.case_data, "findings": findings_from_form(form, kb)}
        check_carried(form, case["findings"], context["carried"])
        check_case(case, kb)
    except InputError as exc:
        extra = {**context, "errors": _field_errors(exc), "form": form}
        return _render(request, state, db, user, record, "tests", extra, status_code=422)
    services.save_case(db, scope, assessment_id, case)
    return RedirectResponse(f"/assessments/{assessment_id}/photos", status_code=303)


@pages.get("/assessments/{assessment_id}/photos")
def photo_step(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, assessment_id: RecordId
) -> Response:
    """Show the upload forms (photo or video; multi-camera 3-D capture) and each upload's analysis progress."""
    return render_photos(request, state, db, user, _draft(db, scope, assessment_id))


def render_photos(
    request: Request,
    state: State,
    db: DB,
    user: UserRecord,
    record: AssessmentRecord,
    extra: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """Render the photos step (the capture upload shows it again with its field errors)."""
    from kinetrace.web.capture_view import capture_details
    from kinetrace.web.captures import capture_tests

    media = media_repo.list_media(db, _scope_of(user), record.id)
    captures = {m.id: capture_details(state.uploads_dir, m) for m in media if m.kind == "capture"}
    context = {
        "media": media,
        "movement_tests": movement_tests(),
        "capture_tests": capture_tests(),
        "captures": captures,
        "capture_form": {},
        **(extra or {}),
    }
    return _render(request, state, db, user, record, "photos", context, status_code=status_code)


@pages.get("/assessments/{assessment_id}/review")
def review_step(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, assessment_id: RecordId
) -> Response:
    """Show what was entered before the assessment is run and stored."""
    media = media_repo.list_media(db, scope, assessment_id)
    return _render(request, state, db, user, _draft(db, scope, assessment_id), "review", {"media": media})


def _ready_to_complete(record: AssessmentRecord, media: list[Any], reason: str) -> dict[str, Any]:
    """Return the case to complete, or raise InputError: the red-flag screen must be answered, and at least one
    finding entered (by hand or from a reviewed photo) or a reason given why no tests were done."""
    case = dict(record.case_data)
    if not case.get("red_flags"):
        raise InputError("red_flags", None, "the red-flag questions answered before the assessment is completed")
    has_photo_findings = any(counts_in_assessment(m) and m.findings for m in media)
    if not case.get("findings") and not has_photo_findings:
        if not reason:
            raise InputError("no_tests_reason", None, "at least one test result, or a reason why no tests were done")
        notes = str(case.get("notes") or "").strip()
        case["notes"] = f"{notes}\nNo tests done: {reason}".strip()
    return case


@pages.post("/assessments/{assessment_id}/complete", dependencies=[CsrfChecked])
def complete_assessment(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    kb: KB,
    form: FormFields,
    assessment_id: RecordId,
) -> Response:
    """Run the assessment and store the result; then show it (the review comes back naming what is missing)."""
    record = _draft(db, scope, assessment_id)
    media = media_repo.list_media(db, scope, assessment_id)
    try:
        case = _ready_to_complete(record, media, str(form.get("no_tests_reason", "")).strip()[:500])
    except InputError as exc:
        extra = {"media": media, "errors": _field_errors(exc), "form": form}
        return _render(request, state, db, user, record, "review", extra, status_code=422)
    if case != record.case_data:
        services.save_case(db, scope, assessment_id, case)
    services.complete(db, scope, kb, assessment_id, profile=state.settings.profile)
    return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)
