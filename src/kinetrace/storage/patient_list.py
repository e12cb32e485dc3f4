"""The clinic's patient list: search, status filter, sort and paging, with each patient's last visit, and the
archive and erasure of a patient's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import BindParameter, Select, bindparam, case, delete, func, select
from sqlalchemy.orm import Session

from kinetrace.errors import NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import Scope
from kinetrace.storage.tables import (
    AssessmentRow,
    MeasurementRow,
    MediaRow,
    PatientRow,
    PlanRow,
    ScreenLinkRow,
)

__all__ = ["PatientPage", "PatientListing", "erase_patient", "list_patients", "set_archived"]

Sort = Literal["name", "added", "last_visit"]
Status = Literal["active", "archived", "all"]


@dataclass(frozen=True)
class PatientListing:
    """One line of the patient list."""

    id: int
    display_name: str
    reference: str | None
    birth_year: int | None
    created_at: datetime
    archived_at: datetime | None
    last_visit: datetime | None
    open_drafts: int


@dataclass(frozen=True)
class PatientPage:
    """One page of the patient list and how many patients match in total."""

    rows: list[PatientListing]
    total: int
    page: int
    pages: int


def list_patients(
    session: Session,
    scope: Scope,
    *,
    query: str = "",
    status: Status = "active",
    sort: Sort = "last_visit",
    page: int = 1,
    per_page: int = 25,
) -> PatientPage:
    """Return one page of the clinic's patients matching every word of `query`."""
    words = query.lower().split()[:5]
    params: dict[str, object] = {"clinic_id": scope.clinic_id}
    for i, word in enumerate(words):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"word_{i}"] = f"%{escaped}%"
    count_stmt, page_stmt = _statements(status, sort, len(words))
    total = int(session.scalar(count_stmt, params) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = [
        PatientListing(
            id=r[0],
            display_name=r[1],
            reference=r[2],
            birth_year=r[3],
            created_at=r[4],
            archived_at=r[5],
            last_visit=r[6],
            open_drafts=int(r[7] or 0),
        )
        for r in session.execute(page_stmt, {**params, "offset": (page - 1) * per_page, "limit": per_page})
    ]
    return PatientPage(rows=rows, total=total, page=page, pages=pages)


@lru_cache(maxsize=64)
def _statements(status: Status, sort: Sort, n_words: int) -> tuple[Select[int], Select[Any]]:
    """The count and page statements for one shape of request, built once: every value is a bound parameter
    (building and keying this join anew cost more than running it)."""
    clinic: BindParameter[int] = bindparam("clinic_id")
    last_visit = (
        select(
            AssessmentRow.patient_id.label("pid"),
            func.max(AssessmentRow.created_at).label("last_visit"),
            func.sum(case((AssessmentRow.status == "draft", 1), else_=0)).label("drafts"),
        )
        .where(AssessmentRow.clinic_id == clinic)
        .group_by(AssessmentRow.patient_id)
        .subquery()
    )
    where = [PatientRow.clinic_id == clinic]
    if status == "active":
        where.append(PatientRow.archived_at.is_(None))
    elif status == "archived":
        where.append(PatientRow.archived_at.is_not(None))
    for i in range(n_words):
        where.append(PatientRow.search_text.like(bindparam(f"word_{i}"), escape="\\"))
    order = {
        "name": (func.lower(PatientRow.display_name), PatientRow.id),
        "added": (PatientRow.created_at.desc(), PatientRow.id.desc()),
        "last_visit": (
            last_visit.c.last_visit.is_(None),
            last_visit.c.last_visit.desc(),
            PatientRow.created_at.desc(),
            PatientRow.id.desc(),
        ),
    }[sort]
    page_stmt = (
        select(
            PatientRow.id,
            PatientRow.display_name,
            PatientRow.reference,
            PatientRow.birth_year,
            PatientRow.created_at,
            PatientRow.archived_at,
            last_visit.c.last_visit,
            func.coalesce(last_visit.c.drafts, 0),
        )
        .outerjoin(last_visit, last_visit.c.pid == PatientRow.id)
        .where(*where)
        .order_by(*order)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return select(func.count(PatientRow.id)).where(*where), page_stmt


def _owned(session: Session, scope: Scope, patient_id: int) -> PatientRow:
    row = session.scalar(select(PatientRow).where(PatientRow.id == patient_id, PatientRow.clinic_id == scope.clinic_id))
    if row is None:
        raise NotFoundError("patient_id", patient_id, "the id of a patient of your clinic")
    return row


def set_archived(session: Session, scope: Scope, patient_id: int, *, archived: bool) -> None:
    """Archive a patient (hidden from the default list, records kept) or bring them back."""
    row = _owned(session, scope, patient_id)
    row.archived_at = utcnow() if archived else None
    session.flush()


def erase_patient(session: Session, scope: Scope, patient_id: int) -> list[str]:
    """Delete every record of a patient (assessments, findings, plans, links, media rows, the patient) and return
    the stored file names of their media, for the caller to remove after the commit. Audit lines keep only ids."""
    _owned(session, scope, patient_id)
    assessment_ids = list(
        session.scalars(
            select(AssessmentRow.id).where(
                AssessmentRow.patient_id == patient_id, AssessmentRow.clinic_id == scope.clinic_id
            )
        )
    )
    files = list(session.scalars(select(MediaRow.stored_name).where(MediaRow.assessment_id.in_(assessment_ids))))
    for table in (MediaRow, MeasurementRow, PlanRow):
        session.execute(delete(table).where(table.assessment_id.in_(assessment_ids)))
    session.execute(delete(ScreenLinkRow).where(ScreenLinkRow.patient_id == patient_id))
    session.execute(delete(AssessmentRow).where(AssessmentRow.id.in_(assessment_ids)))
    session.execute(delete(PatientRow).where(PatientRow.id == patient_id))
    # Audit lines hold ids and actions only, never content: they stay as the record of the erasure.
    session.flush()
    return files
