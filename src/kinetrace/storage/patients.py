"""Patients of one clinic: create, update, search, fetch (always scoped to the caller's clinic)."""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from kinetrace.errors import InputError, NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import PatientRecord, Scope
from kinetrace.storage.tables import PatientRow

__all__ = ["create_patient", "get_patient", "search_patients"]

_SEXES = ("female", "male", "other", "unknown")
# Built once: a statement built per call costs more CPU than the SQLite lookup itself (coercion and cache key).
_GET = select(PatientRow).where(
    PatientRow.id == bindparam("patient_id"), PatientRow.clinic_id == bindparam("clinic_id")
)


def _record(row: PatientRow) -> PatientRecord:
    return PatientRecord(
        id=row.id,
        display_name=row.display_name,
        reference=row.reference,
        birth_year=row.birth_year,
        sex=row.sex,
        activity=row.activity,
        created_at=row.created_at,
        archived_at=row.archived_at,
    )


def _search_text(name: str, reference: str | None) -> str:
    return f"{name} {reference or ''}".lower().strip()


def create_patient(
    session: Session,
    scope: Scope,
    *,
    display_name: str,
    reference: str | None = None,
    birth_year: int | None = None,
    sex: str = "unknown",
    activity: str | None = None,
    this_year: int,
) -> PatientRecord:
    """Create a patient in the caller's clinic after checking every field."""
    name = display_name.strip()
    if not name or len(name) > 200:
        raise InputError("display_name", display_name, "a name or nickname of 1–200 characters")
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        raise InputError("birth_year", birth_year, f"a year from {this_year - 120} to {this_year}")
    if sex not in _SEXES:
        raise InputError("sex", sex, "one of " + ", ".join(_SEXES))
    row = PatientRow(
        clinic_id=scope.clinic_id,
        display_name=name,
        reference=(reference or "").strip() or None,
        birth_year=birth_year,
        sex=sex,
        activity=(activity or "").strip() or None,
        search_text=_search_text(name, reference),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _record(row)


def get_patient(session: Session, scope: Scope, patient_id: int) -> PatientRecord:
    """Return one patient of the caller's clinic; any other id raises NotFoundError."""
    row = session.scalar(_GET, {"patient_id": patient_id, "clinic_id": scope.clinic_id})
    if row is None:
        raise NotFoundError("patient_id", patient_id, "the id of a patient of your clinic")
    return _record(row)


def search_patients(session: Session, scope: Scope, query: str = "", *, limit: int = 50) -> list[PatientRecord]:
    """Return the clinic's patients whose name or reference contains every word of `query`, newest first."""
    stmt = select(PatientRow).where(PatientRow.clinic_id == scope.clinic_id)
    for word in query.lower().split()[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(or_(PatientRow.search_text.like(f"%{escaped}%", escape="\\")))
    rows = session.scalars(stmt.order_by(PatientRow.created_at.desc(), PatientRow.id.desc()).limit(limit))
    return [_record(r) for r in rows]
