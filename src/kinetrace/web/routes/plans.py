"""The clinician in the loop: the suggested plan is a draft to edit (remove, add, change a dose, add a note)
and approve; release first shows the patient's exact view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field

from kinetrace.errors import ConflictError, InputError, NotFoundError
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.storage import PlanRecord, Scope
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.storage.records import AssessmentSummary
from kinetrace.web import services
from kinetrace.web.deps import DB, KB, CsrfChecked, CurrentUser, FormFields, RecordId, State, UserScope

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["plans"])

_TEXT_LIMIT = 1000


class PlanItemEdit(BaseModel):
    """One plan item as the clinician wants it: which intervention, its dose and a note for the patient."""

    intervention_id: str = Field(min_length=1, max_length=100)
    dosage: str | None = Field(None, max_length=_TEXT_LIMIT)
    clinician_note: str = Field("", max_length=_TEXT_LIMIT)


class PlanUpdate(BaseModel):
    """The whole edited plan; `approve` marks it ready for release."""

    items: list[PlanItemEdit] = Field(max_length=50)
    clinician_note: str = Field("", max_length=4000)
    approve: bool = False
    version: int | None = None


class PlanPublic(BaseModel):
    """A stored plan and whether it is approved."""

    assessment_id: int
    items: list[dict[str, Any]]
    clinician_note: str
    is_approved: bool
    version: int


def _public(plan: PlanRecord) -> PlanPublic:
    return PlanPublic(
        assessment_id=plan.assessment_id,
        items=plan.items,
        clinician_note=plan.clinician_note,
        is_approved=plan.approved_at is not None,
        version=plan.version,
    )


def _added_item(kb: KnowledgeBase, intervention_id: str, field: str) -> dict[str, Any]:
    """A plan item for an intervention the clinician added, with the knowledge base's own text and grade."""
    entry = kb.interventions.get(intervention_id)
    if entry is None:
        raise InputError(field, intervention_id, "the id of an intervention in the knowledge base")
    dosage = getattr(entry, "dosage", None)
    return {
        "intervention_id": entry.id,
        "name": entry.name,
        "kind": str(entry.kind),
        "layer": str(entry.layer),
        "targets": list(entry.targets),
        "description": entry.description,
        "dosage": getattr(dosage, "text", None) if dosage is not None else None,
        "progression": "",
        "grade": str(entry.grade),
        "refs": list(entry.refs),
        "because": "added by the clinician",
        "cautions": entry.cautions or "",
        "profile": str(entry.profile),
    }


def _edited_items(kb: KnowledgeBase, current: list[dict[str, Any]], edits: list[PlanItemEdit]) -> list[dict[str, Any]]:
    """Apply the edits: items keep their suggested reason; new ones are built from the knowledge base."""
    by_id = {item.get("intervention_id"): item for item in current}
    out: list[dict[str, Any]] = []
    for i, edit in enumerate(edits):
        if any(o["intervention_id"] == edit.intervention_id for o in out):
            raise InputError(f"items[{i}].intervention_id", edit.intervention_id, "each intervention once")
        base = by_id.get(edit.intervention_id) or _added_item(kb, edit.intervention_id, f"items[{i}].intervention_id")
        dosage = (edit.dosage or "").strip() or None
        out.append({**base, "dosage": dosage, "clinician_note": edit.clinician_note.strip()})
    return out


def _save(db: DB, scope: Scope, kb: KnowledgeBase, assessment_id: RecordId, body: PlanUpdate) -> PlanRecord:
    plan = assessment_repo.get_plan(db, scope, assessment_id)
    if plan is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of a completed assessment with a plan")
    items = _edited_items(kb, plan.items, body.items)
    saved = assessment_repo.save_plan(
        db,
        scope,
        assessment_id,
        items=items,
        clinician_note=body.clinician_note.strip(),
        approve=body.approve,
        expected_version=body.version,
    )
    audit_repo.record_event(db, scope, "approve" if body.approve else "update", "plan", assessment_id)
    return saved


def _choice_options(state: State, kb: KnowledgeBase, plan: PlanRecord) -> Markup:
    """The <option>s of the interventions not in the plan, by name (knowledge-base text only, no patient data:
    rendered once per knowledge base and set of planned items)."""
    in_plan = frozenset(str(i.get("intervention_id")) for i in plan.items)

    def render() -> str:
        choices = sorted((e for e in kb.interventions.values() if e.id not in in_plan), key=lambda e: e.name)
        return "".join(str(Markup('<option value="{}">{}</option>').format(e.id, e.name)) for e in choices)

    return state.fragments.get(("plan-choices", kb.version, in_plan), render)


def _update_from_form(form: dict[str, Any], plan: PlanRecord) -> PlanUpdate:
    edits: list[PlanItemEdit] = []
    for i, item in enumerate(plan.items):
        if form.get(f"keep__{i}") != "yes":
            continue
        edits.append(
            PlanItemEdit(
                intervention_id=str(item.get("intervention_id", "")),
                dosage=str(form.get(f"dosage__{i}", ""))[:_TEXT_LIMIT],
                clinician_note=str(form.get(f"note__{i}", ""))[:_TEXT_LIMIT],
            )
        )
    added = str(form.get("add", "")).strip()
    if added:
        edits.append(
            PlanItemEdit(
                intervention_id=added[:100],
                dosage=str(form.get("add_dosage", ""))[:_TEXT_LIMIT],
                clinician_note=str(form.get("add_note", ""))[:_TEXT_LIMIT],
            )
        )
    version = str(form.get("version", ""))
    return PlanUpdate(
        items=edits,
        clinician_note=str(form.get("clinician_note", ""))[:4000],
        approve=form.get("action") == "approve",
        version=int(version) if version.isdigit() else None,
    )


@pages.get("/assessments/{assessment_id}/plan/edit")
def plan_edit_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show the suggested plan as an editable draft."""
    return _render_edit(request, state, db, user, scope, kb, assessment_id)


def _render_edit(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: Scope,
    kb: KnowledgeBase,
    assessment_id: RecordId,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    summary = assessment_repo.get_summary(db, scope, assessment_id)  # no case or result JSON to parse
    plan = assessment_repo.get_plan(db, scope, assessment_id)
    if plan is None:
        return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)
    patient = patient_repo.get_patient(db, scope, summary.patient_id)
    context = {
        "user": user,
        "record": summary,
        "patient": patient,
        "plan": plan,
        "choice_options": _choice_options(state, kb, plan),
        "errors": errors or {},
    }
    return state.templates.TemplateResponse(request, "plan_edit.html", context, status_code=status_code)


@pages.post("/assessments/{assessment_id}/plan", dependencies=[CsrfChecked])
def plan_save_page(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    kb: KB,
    form: FormFields,
    assessment_id: RecordId,
) -> Response:
    """Save the edited plan (and approve it with the approve button)."""
    plan = assessment_repo.get_plan(db, scope, assessment_id)
    if plan is None:
        raise NotFoundError("assessment_id", assessment_id, "the id of a completed assessment with a plan")
    try:
        body = _update_from_form(form, plan)
        saved = _save(db, scope, kb, assessment_id, body)
    except (InputError, ConflictError) as exc:
        message = exc.message if isinstance(exc, InputError) else str(exc)
        return _render_edit(
            request, state, db, user, scope, kb, assessment_id, errors={"add": message}, status_code=422
        )
    target = "release" if saved.approved_at is not None else "plan/edit"
    return RedirectResponse(f"/assessments/{assessment_id}/{target}", status_code=303)


@pages.get("/assessments/{assessment_id}/release")
def release_preview(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, assessment_id: RecordId
) -> Response:
    """Show exactly what the patient will see, with the button that releases it."""
    summary = assessment_repo.get_summary(db, scope, assessment_id)
    patient = patient_repo.get_patient(db, scope, summary.patient_id)
    plan = assessment_repo.get_plan(db, scope, assessment_id)
    context = {
        "user": user,
        "record": summary,
        "patient": patient,
        "view_html": _patient_view_html(state, db, scope, kb, summary, plan),
        "needs_approval": plan is not None and plan.approved_at is None,
    }
    return state.templates.TemplateResponse(request, "release.html", context)


def _patient_view_html(
    state: State, db: DB, scope: Scope, kb: KnowledgeBase, summary: AssessmentSummary, plan: PlanRecord | None
) -> Markup:
    """The patient's view of a stored result and plan, rendered once per version of each ("" when none)."""

    def render() -> str:
        result = assessment_repo.get_assessment(db, scope, summary.id).result_data
        if result is None:
            return ""
        view = services.patient_view_of(kb, result, plan)
        return state.templates.env.get_template("_patient_view.html").render(view=view)

    key = ("patient-view", kb.version, summary.id, summary.version, plan.version if plan else 0)
    return state.fragments.get(key, render)


@api.put("/assessments/{assessment_id}/plan", response_model=PlanPublic, dependencies=[CsrfChecked])
def plan_update_api(db: DB, scope: UserScope, kb: KB, assessment_id: RecordId, body: PlanUpdate) -> PlanPublic:
    """Replace the plan's items, doses and notes; `approve: true` approves it for release (409 once released)."""
    return _public(_save(db, scope, kb, assessment_id, body))
