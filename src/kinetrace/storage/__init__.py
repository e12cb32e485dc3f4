"""Storage adapter: SQLAlchemy 2 tables, Alembic migrations and repositories returning frozen records.

Every repository function takes a `Scope` and filters on its clinic, so no copied or guessed id reaches
another clinic's data. Callers own the transaction: one per request or command.
"""

from kinetrace.storage.database import make_engine, make_session_factory, migrate, sqlite_url, utcnow
from kinetrace.storage.records import (
    AssessmentRecord,
    AuditEntry,
    ClinicRecord,
    MediaRecord,
    PatientRecord,
    PlanRecord,
    Scope,
    ScreenLinkRecord,
    UserRecord,
)

__all__ = [
    "AssessmentRecord",
    "AuditEntry",
    "ClinicRecord",
    "MediaRecord",
    "PatientRecord",
    "PlanRecord",
    "Scope",
    "ScreenLinkRecord",
    "UserRecord",
    "make_engine",
    "make_session_factory",
    "migrate",
    "sqlite_url",
    "utcnow",
]
