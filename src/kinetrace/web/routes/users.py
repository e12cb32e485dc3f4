"""Clinic users and the audit log (admin only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from kinetrace.errors import ConflictError, InputError
from kinetrace.storage import Scope, UserRecord
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import clinics as clinic_repo
from kinetrace.web.deps import DB, Admin, CsrfChecked, FormFields, RecordId, State, UserScope
from kinetrace.web.passwords import check_password
from kinetrace.web.security import hash_password

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["users and audit"])


class UserCreate(BaseModel):
    """A new user of the admin's clinic."""

    email: str
    name: str = Field(min_length=1, max_length=200)
    role: Literal["clinician", "admin"] = "clinician"
    password: str


class UserPublic(BaseModel):
    """A user without credentials."""

    id: int
    email: str
    name: str
    role: str
    is_active: bool = True


class UserActive(BaseModel):
    """Whether a user may sign in; disabling ends every session of theirs at once."""

    is_active: bool


class AuditPublic(BaseModel):
    """One audit line: who did what to which record, and when."""

    user_id: int | None
    action: str
    resource: str
    resource_id: int | None
    detail: str
    at: datetime


@api.post("/users", response_model=UserPublic, status_code=201, dependencies=[CsrfChecked])
def create_user(db: DB, admin: Admin, scope: UserScope, body: UserCreate) -> UserPublic:
    """Add a clinician or admin to the caller's clinic."""
    return _add_user(db, admin, scope, body)


@api.get("/users", response_model=list[UserPublic])
def list_users(db: DB, admin: Admin, scope: UserScope) -> list[UserPublic]:
    """List the users of the caller's clinic."""
    return [_public(u) for u in clinic_repo.list_users(db, scope)]


def _public(u: UserRecord) -> UserPublic:
    return UserPublic(id=u.id, email=u.email, name=u.name, role=u.role, is_active=u.is_active)


def _set_active(
    state: State, db: DB, admin: UserRecord, scope: Scope, user_id: RecordId, *, is_active: bool
) -> UserRecord:
    if user_id == admin.id and not is_active:
        raise InputError("user_id", user_id, "another user: you cannot disable your own account")
    user = clinic_repo.set_active(db, scope, user_id, is_active=is_active)
    state.users.forget(user_id, after=db)
    audit_repo.record_event(db, scope, "enable" if is_active else "disable", "user", user_id)
    return user


@api.put("/users/{user_id}/active", response_model=UserPublic, dependencies=[CsrfChecked])
def set_user_active(
    state: State, db: DB, admin: Admin, scope: UserScope, user_id: RecordId, body: UserActive
) -> UserPublic:
    """Enable or disable a user of the caller's clinic (disabling signs them out everywhere at once)."""
    return _public(_set_active(state, db, admin, scope, user_id, is_active=body.is_active))


@pages.post("/users/{user_id}/active", dependencies=[CsrfChecked])
def set_user_active_page(
    state: State, db: DB, admin: Admin, scope: UserScope, user_id: RecordId, form: FormFields
) -> Response:
    """Enable or disable a user from the users page."""
    _set_active(state, db, admin, scope, user_id, is_active=form.get("is_active") == "yes")
    return RedirectResponse("/users", status_code=303)


@api.get("/audit", response_model=list[AuditPublic])
def audit_api(db: DB, admin: Admin, scope: UserScope) -> list[AuditPublic]:
    """Return the newest audit lines of the caller's clinic."""
    return [AuditPublic(**{k: v for k, v in e.__dict__.items() if k != "id"}) for e in audit_repo.list_audit(db, scope)]


def _add_user(db: DB, admin: UserRecord, scope: Scope, body: UserCreate) -> UserPublic:
    check_password(body.password, email=body.email)
    user = clinic_repo.create_user(
        db,
        admin.clinic_id,
        email=body.email,
        name=body.name,
        role=body.role,
        password_hash=hash_password(body.password),
    )
    audit_repo.record_event(db, scope, "create", "user", user.id)
    return _public(user)


@pages.get("/users")
def users_page(request: Request, state: State, db: DB, admin: Admin, scope: UserScope) -> Response:
    """List the clinic's users, with a form to add one."""
    return state.templates.TemplateResponse(
        request, "users.html", {"user": admin, "users": clinic_repo.list_users(db, scope), "form": {}, "errors": {}}
    )


@pages.post("/users", dependencies=[CsrfChecked])
def users_add(request: Request, state: State, db: DB, admin: Admin, scope: UserScope, form: FormFields) -> Response:
    """Add a user from the form; mistakes come back beside their field with the input kept (not the password)."""
    try:
        body = UserCreate(
            email=form.get("email", ""),
            name=form.get("name", "") or form.get("email", ""),
            role=form.get("role", "clinician"),
            password=form.get("password", ""),
        )
        _add_user(db, admin, scope, body)
    except (InputError, ConflictError, ValidationError) as exc:
        field, message = _field_message(exc)
        return state.templates.TemplateResponse(
            request,
            "users.html",
            {
                "user": admin,
                "users": clinic_repo.list_users(db, scope),
                "form": {k: v for k, v in form.items() if k != "password"},
                "errors": {field: message},
            },
            status_code=409 if isinstance(exc, ConflictError) else 422,
        )
    return RedirectResponse("/users", status_code=303)


def _field_message(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, InputError):
        return exc.field, exc.message
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "form"
        return field, f"{field}: {err['msg']}."
    return "email", str(exc)


@pages.get("/audit")
def audit_page(request: Request, state: State, db: DB, admin: Admin, scope: UserScope) -> Response:
    """Show the clinic's audit log."""
    return state.templates.TemplateResponse(
        request, "audit.html", {"user": admin, "entries": audit_repo.list_audit(db, scope)}
    )
