"""Clinics and users: creation, lookup by email for sign-in, listing within a clinic."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinetrace.errors import ConflictError, InputError, NotFoundError
from kinetrace.storage.database import utcnow
from kinetrace.storage.records import ClinicRecord, Role, Scope, UserRecord
from kinetrace.storage.tables import ClinicRow, UserRow

__all__ = [
    "count_users",
    "create_clinic",
    "create_user",
    "end_sessions",
    "get_password_hash",
    "set_active",
    "find_user_for_sign_in",
    "get_clinic",
    "get_user",
    "list_users",
    "set_password_hash",
]


def _user(row: UserRow) -> UserRecord:
    return UserRecord(
        id=row.id,
        clinic_id=row.clinic_id,
        email=row.email,
        name=row.name,
        role=row.role,  # type: ignore[arg-type]
        is_active=row.is_active,
        session_version=row.session_version or 1,
    )


def create_clinic(session: Session, name: str) -> ClinicRecord:
    """Create a clinic and return it."""
    if not name.strip():
        raise InputError("clinic.name", name, "a non-empty clinic name")
    row = ClinicRow(name=name.strip(), created_at=utcnow())
    session.add(row)
    session.flush()
    return ClinicRecord(id=row.id, name=row.name)


def get_clinic(session: Session, clinic_id: int) -> ClinicRecord:
    """Return one clinic or raise NotFoundError."""
    row = session.get(ClinicRow, clinic_id)
    if row is None:
        raise NotFoundError("clinic", clinic_id, "an existing clinic id")
    return ClinicRecord(id=row.id, name=row.name)


def create_user(
    session: Session, clinic_id: int, *, email: str, name: str, role: Role, password_hash: str
) -> UserRecord:
    """Create a user in a clinic; the email is unique across all clinics."""
    email = email.strip().lower()
    if "@" not in email:
        raise InputError("email", email, "an email address such as name@clinic.org")
    if role not in ("clinician", "admin"):
        raise InputError("role", role, "clinician or admin")
    taken = session.scalar(select(UserRow.id).where(UserRow.email == email))
    if taken is not None:
        raise ConflictError(f"email: {email!r} already has an account.")
    row = UserRow(
        clinic_id=clinic_id,
        email=email,
        name=name.strip() or email,
        role=role,
        password_hash=password_hash,
        is_active=True,
        session_version=1,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _user(row)


def find_user_for_sign_in(session: Session, email: str) -> tuple[UserRecord, str] | None:
    """Return (user, password hash) for an active user with this email, or None."""
    row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower(), UserRow.is_active))
    return None if row is None else (_user(row), row.password_hash)


def set_password_hash(session: Session, user_id: int, password_hash: str, *, end_sessions: bool = False) -> None:
    """Replace a user's password hash (a rehash, or a change that also ends every session with `end_sessions`)."""
    row = session.get(UserRow, user_id)
    if row is not None:
        row.password_hash = password_hash
        if end_sessions:
            row.session_version = (row.session_version or 1) + 1


def get_user(session: Session, user_id: int) -> UserRecord | None:
    """Return an active user by id (for the signed-in session), or None."""
    row = session.get(UserRow, user_id)
    return None if row is None or not row.is_active else _user(row)


def list_users(session: Session, scope: Scope) -> list[UserRecord]:
    """Return the users of the caller's clinic."""
    rows = session.scalars(select(UserRow).where(UserRow.clinic_id == scope.clinic_id).order_by(UserRow.id))
    return [_user(r) for r in rows]


def count_users(session: Session) -> int:
    """Return how many users exist in the whole database (0 means first start)."""
    return int(session.scalar(select(func.count(UserRow.id))) or 0)


def end_sessions(session: Session, user_id: int) -> int:
    """Invalidate every session of a user (sign-out everywhere); return the new session version."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFoundError("user_id", user_id, "an existing user id")
    row.session_version = (row.session_version or 1) + 1
    session.flush()
    return row.session_version


def get_password_hash(session: Session, user_id: int) -> str | None:
    """Return the stored password hash of an active user, or None."""
    row = session.get(UserRow, user_id)
    return None if row is None or not row.is_active else row.password_hash


def set_active(session: Session, scope: Scope, user_id: int, *, is_active: bool) -> UserRecord:
    """Enable or disable a user of the caller's clinic; disabling also ends all their sessions."""
    row = session.scalar(select(UserRow).where(UserRow.id == user_id, UserRow.clinic_id == scope.clinic_id))
    if row is None:
        raise NotFoundError("user_id", user_id, "the id of a user of your clinic")
    row.is_active = is_active
    row.session_version = (row.session_version or 1) + 1
    session.flush()
    return _user(row)
