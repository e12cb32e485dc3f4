"""A patient's progress over reassessments (page and API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.web.deps import DB, KB, CurrentUser, RecordId, State, UserScope

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["progress"])


def _completed(db: DB, scope: UserScope, patient_id: RecordId) -> list[Any]:
    patient_repo.get_patient(db, scope, patient_id)
    return [r for r in assessment_repo.list_assessments(db, scope, patient_id) if r.status == "complete"]


@pages.get("/patients/{patient_id}/progress")
def progress_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, kb: KB, patient_id: RecordId
) -> Response:
    """Plot each measured test over the visits; mark each change real or within measurement error."""
    patient = patient_repo.get_patient(db, scope, patient_id)
    # ids and versions only: the stored cases and results are read (and parsed) only when the plots are not cached
    done = [s for s in assessment_repo.list_summaries(db, scope, patient_id) if s.status == "complete"]
    state.view_log.viewed(scope, "progress", patient_id)

    def render() -> str:
        records = _completed(db, scope, patient_id)
        series, _ = state.progress_cache.get(records, kb)
        return state.templates.env.get_template("_progress_plots.html").render(records=records, series=series)

    key = ("progress", kb.version, *((s.id, s.version) for s in done))
    plots = state.fragments.get(key, render)
    return state.templates.TemplateResponse(
        request,
        "progress.html",
        {"user": user, "patient": patient, "records": done, "plots": plots},
    )


@api.get("/patients/{patient_id}/progress")
def progress_api(state: State, db: DB, scope: UserScope, kb: KB, patient_id: RecordId) -> dict[str, Any]:
    """Return each pair of consecutive completed assessments compared test by test."""
    records = _completed(db, scope, patient_id)
    _, comparisons = state.progress_cache.get(records, kb)
    return {"assessments": [r.id for r in records], "comparisons": [c.model_dump(mode="json") for c in comparisons]}
