"""Patients: list with search, create, and each patient's timeline (pages and API)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from kinetrace.errors import ConflictError, InputError
from kinetrace.storage import PatientRecord, utcnow
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import links as link_repo
from kinetrace.storage import patient_list as list_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.web import services
from kinetrace.web.deps import DB, Admin, CsrfChecked, CurrentUser, FormFields, RecordId, State, UserScope
from kinetrace.web.uploads import remove_stored

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["patients"])


class PatientCreate(BaseModel):
    """A new patient; `display_name` stays inside the clinic and is never logged."""

    display_name: str = Field(min_length=1, max_length=200)
    reference: str | None = Field(None, max_length=100)
    birth_year: int | None = None
    sex: str = "unknown"
    activity: str | None = Field(None, max_length=200)


class PatientPublic(BaseModel):
    """A patient as the API returns it."""

    id: int
    display_name: str
    reference: str | None
    birth_year: int | None
    sex: str
    activity: str | None
    created_at: datetime

    @classmethod
    def of(cls, p: PatientRecord) -> PatientPublic:
        """Build from a stored record."""
        return cls(**p.__dict__)


@pages.get("/")
def home() -> Response:
    """Send the visitor to the patient list."""
    return RedirectResponse("/patients", status_code=303)


SortName = Literal["last_visit", "name", "added"]
StatusName = Literal["active", "archived", "all"]


def _list_context(db: DB, scope: UserScope, q: str, *, sort: SortName, status: StatusName, page: int) -> dict[str, Any]:
    listing = list_repo.list_patients(db, scope, query=q[:200], sort=sort, status=status, page=page)
    return {"listing": listing, "q": q, "sort": sort, "status": status}


@pages.get("/patients")
def patient_list(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    q: str = "",
    sort: SortName = "last_visit",
    status: StatusName = "active",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """List the clinic's patients a page at a time: search, sort, status (active or archived) and last visit."""
    context = _list_context(db, scope, q, sort=sort, status=status, page=page)
    template = "_patient_rows.html" if request.headers.get("X-Partial") else "patients.html"
    return state.templates.TemplateResponse(request, template, {"user": user, "form": {}, "errors": {}, **context})


@pages.post("/patients", dependencies=[CsrfChecked])
def patient_create_form(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    display_name: Annotated[str, Form()] = "",
    reference: Annotated[str, Form()] = "",
    birth_year: Annotated[str, Form()] = "",
    sex: Annotated[str, Form()] = "unknown",
    activity: Annotated[str, Form()] = "",
) -> Response:
    """Create a patient from the form; on a mistake the form comes back with the message beside the field."""
    form = {
        "display_name": display_name,
        "reference": reference,
        "birth_year": birth_year,
        "sex": sex,
        "activity": activity,
    }
    error: InputError | None = None
    try:
        year = int(birth_year) if birth_year.strip() else None
    except ValueError:
        year, error = None, InputError("birth_year", birth_year, "a year such as 1980")
    if error is None:
        try:
            patient = patient_repo.create_patient(
                db,
                scope,
                display_name=display_name,
                reference=reference,
                birth_year=year,
                sex=sex,
                activity=activity,
                this_year=utcnow().year,
            )
        except InputError as exc:
            error = exc
    if error is not None:
        return state.templates.TemplateResponse(
            request,
            "patients.html",
            {
                "user": user,
                **_list_context(db, scope, "", sort="last_visit", status="active", page=1),
                "form": form,
                "errors": {error.field: error.message},
            },
            status_code=422,
        )
    audit_repo.record_event(db, scope, "create", "patient", patient.id)
    return RedirectResponse(f"/patients/{patient.id}", status_code=303)


@pages.get("/patients/{patient_id}")
def patient_timeline(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, patient_id: RecordId
) -> Response:
    """Show a patient's assessments in time order, with links to start one or send a self-screen link."""
    patient = patient_repo.get_patient(db, scope, patient_id)
    assessments = assessment_repo.list_summaries(db, scope, patient_id)
    links = link_repo.list_links(db, scope, patient_id)
    state.view_log.viewed(scope, "patient", patient_id)
    return state.templates.TemplateResponse(
        request,
        "timeline.html",
        {
            "user": user,
            "patient": patient,
            "assessments": list(reversed(assessments)),
            "links": links,
            "now": utcnow(),
            "new_link": request.session.pop("new_link", None),
        },
    )


@api.get("/patients", response_model=list[PatientPublic])
def api_patients(db: DB, scope: UserScope, q: str = "") -> list[PatientPublic]:
    """Search the clinic's patients by name or reference."""
    return [PatientPublic.of(p) for p in patient_repo.search_patients(db, scope, q)]


@api.post("/patients", response_model=PatientPublic, status_code=201, dependencies=[CsrfChecked])
def api_create_patient(body: PatientCreate, db: DB, scope: UserScope) -> PatientPublic:
    """Create a patient in the caller's clinic."""
    patient = patient_repo.create_patient(db, scope, **body.model_dump(), this_year=utcnow().year)
    audit_repo.record_event(db, scope, "create", "patient", patient.id)
    return PatientPublic.of(patient)


@api.get("/patients/{patient_id}", response_model=PatientPublic)
def api_patient(state: State, db: DB, scope: UserScope, patient_id: RecordId) -> PatientPublic:
    """Return one patient of the caller's clinic (404 for any other id)."""
    patient = patient_repo.get_patient(db, scope, patient_id)
    state.view_log.viewed(scope, "patient", patient_id)
    return PatientPublic.of(patient)


@pages.post("/patients/{patient_id}/archive", dependencies=[CsrfChecked])
def archive_patient(db: DB, scope: UserScope, patient_id: RecordId, form: FormFields) -> Response:
    """Archive a patient (records kept, hidden from the default list) or bring them back; audited."""
    archived = form.get("archived", "yes") == "yes"
    list_repo.set_archived(db, scope, patient_id, archived=archived)
    audit_repo.record_event(db, scope, "archive" if archived else "unarchive", "patient", patient_id)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@pages.get("/patients/{patient_id}/export")
def export_patient(db: DB, scope: UserScope, patient_id: RecordId) -> Response:
    """Download everything stored about the patient as JSON (audited; required before erasure)."""
    data = services.export_patient(db, scope, patient_id)
    audit_repo.record_event(db, scope, "export", "patient", patient_id, detail="json")
    return Response(
        json.dumps(data, indent=1, default=str),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="kinetrace-patient-{patient_id}.json"'},
    )


def _remove_files(state: State, names: list[str]) -> None:
    for name in names:
        remove_stored(state.uploads_dir, name)
        for preview in (state.settings.data_dir / "previews").glob(f"{Path(name).stem}.*"):
            preview.unlink(missing_ok=True)


@pages.post("/patients/{patient_id}/erase", dependencies=[CsrfChecked])
def erase_patient(
    state: State,
    db: DB,
    admin: Admin,
    scope: UserScope,
    background: BackgroundTasks,
    patient_id: RecordId,
    form: FormFields,
) -> Response:
    """Erase every record of a patient on their request: admin only, after an export, typed confirmation."""
    patient_repo.get_patient(db, scope, patient_id)
    if not audit_repo.has_event(db, scope, "export", "patient", patient_id):
        raise ConflictError("export the patient's data first (Export all data); then erase.")
    if str(form.get("confirm", "")).strip() != "ERASE":
        raise InputError("confirm", form.get("confirm"), "the word ERASE, typed to confirm")
    files = list_repo.erase_patient(db, scope, patient_id)
    audit_repo.record_event(db, scope, "erase", "patient", patient_id, detail=f"{len(files)} files")
    background.add_task(_remove_files, state, files)
    state.inbox_alerts.forget(scope.clinic_id)  # type: ignore[union-attr]
    return RedirectResponse("/patients", status_code=303)


@pages.post("/assessments/{assessment_id}/delete", dependencies=[CsrfChecked])
def delete_draft(
    state: State, db: DB, scope: UserScope, background: BackgroundTasks, assessment_id: RecordId
) -> Response:
    """Delete a draft assessment (a finished one stays: archive the patient instead); audited."""
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    files = assessment_repo.delete_draft(db, scope, assessment_id)
    audit_repo.record_event(db, scope, "delete", "assessment", assessment_id)
    background.add_task(_remove_files, state, files)
    state.inbox_alerts.forget(scope.clinic_id)  # type: ignore[union-attr]
    return RedirectResponse(f"/patients/{record.patient_id}", status_code=303)
