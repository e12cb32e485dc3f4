"""Clinic users and the audit log (admin only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kinetrace.errors import InputError
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import clinics as clinic_repo
from kinetrace.web.deps import DB, Admin, CsrfChecked, State, UserScope
from kinetrace.web.security import MIN_PASSWORD_LENGTH, hash_password

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
    if len(body.password) < MIN_PASSWORD_LENGTH:
        raise InputError("password", None, f"at least {MIN_PASSWORD_LENGTH} characters")
    user = clinic_repo.create_user(
        db,
        admin.clinic_id,
        email=body.email,
        name=body.name,
        role=body.role,
        password_hash=hash_password(body.password),
    )
    audit_repo.record_event(db, scope, "create", "user", user.id)
    return UserPublic(id=user.id, email=user.email, name=user.name, role=user.role)


@api.get("/users", response_model=list[UserPublic])
def list_users(db: DB, admin: Admin, scope: UserScope) -> list[UserPublic]:
    """List the users of the caller's clinic."""
    return [UserPublic(id=u.id, email=u.email, name=u.name, role=u.role) for u in clinic_repo.list_users(db, scope)]


@api.get("/audit", response_model=list[AuditPublic])
def audit_api(db: DB, admin: Admin, scope: UserScope) -> list[AuditPublic]:
    """Return the newest audit lines of the caller's clinic."""
    return [AuditPublic(**{k: v for k, v in e.__dict__.items() if k != "id"}) for e in audit_repo.list_audit(db, scope)]


@pages.get("/audit")
def audit_page(request: Request, state: State, db: DB, admin: Admin, scope: UserScope) -> Response:
    """Show the clinic's audit log."""
    return state.templates.TemplateResponse(
        request, "audit.html", {"user": admin, "entries": audit_repo.list_audit(db, scope)}
    )
