"""The assessment API: create (and optionally complete) from a case, read, edit a draft, complete, release."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kinetrace.storage import AssessmentRecord
from kinetrace.storage import assessments as assessment_repo
from kinetrace.web import services, transactions
from kinetrace.web.deps import DB, KB, CsrfChecked, RecordId, State, UserScope
from kinetrace.web.wizard import check_case

__all__ = ["api"]

api = APIRouter(prefix="/api/v1", tags=["assessments"])


class AssessmentCreate(BaseModel):
    """A case in `kinetrace.case/1` format; `complete` runs and stores the assessment at once."""

    case: dict[str, Any]
    complete: bool = True


class CaseUpdate(BaseModel):
    """A draft's new case; `version` guards against overwriting someone else's edit."""

    case: dict[str, Any]
    version: int | None = None


class Release(BaseModel):
    """Whether the patient may see the result and plan."""

    released: bool = True


class AssessmentPublic(BaseModel):
    """A stored assessment: the case, and once complete the result snapshot with its knowledge-base version."""

    id: int
    patient_id: int
    origin: str
    status: str
    case: dict[str, Any]
    result: dict[str, Any] | None = Field(description="Assessment JSON (kinetrace.assessment/1)")
    kb_version: str | None
    profile: str
    action_level: str | None
    is_released: bool
    version: int
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, r: AssessmentRecord) -> AssessmentPublic:
        """Build from a stored record."""
        data = dict(r.__dict__)
        data["case"], data["result"] = data.pop("case_data"), data.pop("result_data")
        return cls(**data)


@api.post(
    "/patients/{patient_id}/assessments", response_model=AssessmentPublic, status_code=201, dependencies=[CsrfChecked]
)
async def create(
    state: State, scope: UserScope, kb: KB, patient_id: RecordId, body: AssessmentCreate
) -> AssessmentPublic:
    """Store a case for a patient; with `complete` (default) assess it and store the result in the same step."""
    # Async on purpose: the assessment runs in a worker thread on a read session, and only the inserts take the
    # write lock (see web/transactions.py), so concurrent writers do not queue behind each other's inference.
    await run_in_threadpool(check_case, body.case, kb)
    if not body.complete:
        record = await transactions.write(state, lambda db: services.start(db, scope, patient_id, case_data=body.case))
        return AssessmentPublic.of(record)
    profile = state.settings.profile
    assessed = await transactions.read(
        state, lambda db: services.assess_new(db, scope, kb, patient_id, body.case, profile=profile)
    )
    record = await transactions.write(state, lambda db: services.store_assessed(db, scope, assessed))
    return AssessmentPublic.of(record)


@api.get("/patients/{patient_id}/assessments", response_model=list[AssessmentPublic])
def list_for_patient(db: DB, scope: UserScope, patient_id: RecordId) -> list[AssessmentPublic]:
    """List a patient's assessments, oldest first."""
    from kinetrace.storage import patients as patient_repo

    patient_repo.get_patient(db, scope, patient_id)
    return [AssessmentPublic.of(r) for r in assessment_repo.list_assessments(db, scope, patient_id)]


@api.get("/assessments/{assessment_id}", response_model=AssessmentPublic)
def read(state: State, db: DB, scope: UserScope, assessment_id: RecordId) -> Response:
    """Return one assessment of the caller's clinic (404 for any other id)."""
    summary = assessment_repo.get_summary(db, scope, assessment_id)
    state.view_log.viewed(scope, "assessment", assessment_id)
    # A stored version never changes, so its JSON is serialised once (the id check above runs every time).
    body = state.fragments.value(
        ("api-assessment", summary.id, summary.version),
        lambda: AssessmentPublic.of(assessment_repo.get_assessment(db, scope, assessment_id)).model_dump_json(),
    )
    return Response(body, media_type="application/json")


@api.put("/assessments/{assessment_id}/case", response_model=AssessmentPublic, dependencies=[CsrfChecked])
def update_case(db: DB, scope: UserScope, kb: KB, assessment_id: RecordId, body: CaseUpdate) -> AssessmentPublic:
    """Replace a draft's case (409 when it is finished or the version is stale)."""
    check_case(body.case, kb)
    return AssessmentPublic.of(services.save_case(db, scope, assessment_id, body.case, expected_version=body.version))


@api.post("/assessments/{assessment_id}/complete", response_model=AssessmentPublic, dependencies=[CsrfChecked])
async def complete(state: State, scope: UserScope, kb: KB, assessment_id: RecordId) -> AssessmentPublic:
    """Assess a draft (with its analysed photos) and store the result (409 when the draft changed meanwhile)."""
    profile = state.settings.profile
    assessed = await transactions.read(
        state, lambda db: services.assess_draft(db, scope, kb, assessment_id, profile=profile)
    )
    return AssessmentPublic.of(await transactions.write(state, lambda db: services.store_assessed(db, scope, assessed)))


@api.post("/assessments/{assessment_id}/release", response_model=AssessmentPublic, dependencies=[CsrfChecked])
def release(db: DB, scope: UserScope, assessment_id: RecordId, body: Release) -> AssessmentPublic:
    """Let the patient see (or stop seeing) the result and plan."""
    return AssessmentPublic.of(services.release(db, scope, assessment_id, is_released=body.released))


@api.get("/assessments/{assessment_id}/plan")
def plan(state: State, db: DB, scope: UserScope, assessment_id: RecordId) -> dict[str, Any]:
    """Return the stored plan items of a completed assessment."""
    stored = assessment_repo.get_plan(db, scope, assessment_id)
    state.view_log.viewed(scope, "plan", assessment_id)
    return {
        "assessment_id": assessment_id,
        "items": stored.items if stored else [],
        "clinician_note": stored.clinician_note if stored else "",
        "is_approved": bool(stored and stored.approved_at),
        "version": stored.version if stored else 0,
    }
