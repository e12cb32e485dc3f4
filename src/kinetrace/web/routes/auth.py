"""Sign-in and sign-out, as pages and as the API session endpoint; failed attempts are rate limited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from kinetrace.storage import Scope, UserRecord, utcnow
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import clinics as clinic_repo
from kinetrace.storage import throttle as throttle_repo
from kinetrace.web.deps import DB, CsrfChecked, CurrentUser, State
from kinetrace.web.errors import error_body
from kinetrace.web.security import hash_password, needs_rehash, new_csrf_token, verify_password

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["session"])

# A real hash to verify against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = hash_password("no-such-user-password")


def _sign_in(request: Request, state: State, db: DB, email: str, password: str) -> UserRecord | HTTPException:
    """Return the signed-in user, or the error to show. Failures are counted in this request's transaction,
    so the caller must return (not raise) the error for the count to be kept."""
    settings, now = state.settings, utcnow()
    client = request.client.host if request.client else "unknown"
    keys = (f"ip:{client}", f"email:{email.strip().lower()}")
    window = {"attempts": settings.sign_in_attempts, "window_s": settings.sign_in_window_s}
    wait = throttle_repo.retry_after_s(db, keys, now=now, **window)
    if wait:
        return HTTPException(429, f"Too many failed sign-ins; try again in {wait} s.", {"Retry-After": str(wait)})
    found = clinic_repo.find_user_for_sign_in(db, email)
    if found is None or not verify_password(found[1], password):
        if found is None:
            verify_password(_DUMMY_HASH, password)
        throttle_repo.record_failure(db, keys, now=now, window_s=settings.sign_in_window_s)
        audit_repo.record_event(
            db, Scope(found[0].clinic_id) if found else None, "sign_in_failed", "user", found[0].id if found else None
        )
        return HTTPException(401, "Email or password is wrong.")
    user, stored = found
    if needs_rehash(stored):
        clinic_repo.set_password_hash(db, user.id, hash_password(password))
    throttle_repo.clear_failures(db, keys)
    request.session.clear()
    request.session.update(user_id=user.id, clinic_id=user.clinic_id, csrf=new_csrf_token())
    audit_repo.record_event(db, Scope(user.clinic_id, user.id), "sign_in", "user", user.id)
    return user


@pages.get("/login")
def login_page(request: Request, state: State, next: str = "/patients") -> Response:  # noqa: A002 - query name
    """Show the sign-in form."""
    return state.templates.TemplateResponse(request, "login.html", {"next": next, "email": "", "error": None})


@pages.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    state: State,
    db: DB,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/patients",
) -> Response:  # noqa: A002
    """Check the credentials and start a session; the form comes back with the message on failure."""
    outcome = _sign_in(request, state, db, email, password)
    if isinstance(outcome, HTTPException):
        exc = outcome
        return state.templates.TemplateResponse(
            request,
            "login.html",
            {"next": next, "email": email, "error": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,
        )
    target = next if next.startswith("/") and not next.startswith("//") else "/patients"
    return RedirectResponse(target, status_code=303)


@pages.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


class SessionCreate(BaseModel):
    """Credentials for the API session."""

    email: str
    password: str


class SessionPublic(BaseModel):
    """The signed-in user and the CSRF token to send as X-CSRF-Token on every write."""

    user_id: int
    clinic_id: int
    name: str
    role: str
    csrf_token: str


@api.post("/session", response_model=SessionPublic)
def create_session(body: SessionCreate, request: Request, state: State, db: DB) -> SessionPublic | Response:
    """Sign in; the session cookie is set on the response (401 wrong credentials, 429 too many failures)."""
    user = _sign_in(request, state, db, body.email, body.password)
    if isinstance(user, HTTPException):
        body_json = error_body([{"field": "password", "message": str(user.detail)}])
        return JSONResponse(body_json, status_code=user.status_code, headers=user.headers)
    return SessionPublic(
        user_id=user.id, clinic_id=user.clinic_id, name=user.name, role=user.role, csrf_token=request.session["csrf"]
    )


@api.get("/session", response_model=SessionPublic)
def read_session(request: Request, user: CurrentUser) -> SessionPublic:
    """Return the signed-in user."""
    return SessionPublic(
        user_id=user.id,
        clinic_id=user.clinic_id,
        name=user.name,
        role=user.role,
        csrf_token=request.session.get("csrf", ""),
    )


@api.delete("/session", status_code=204, dependencies=[CsrfChecked])
def delete_session(request: Request) -> Response:
    """Sign out."""
    request.session.clear()
    return Response(status_code=204)
