"""Sign-in and sign-out, as pages and as the API session endpoint; failed attempts are rate limited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from kinetrace.errors import InputError
from kinetrace.storage import Scope, UserRecord, utcnow
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import clinics as clinic_repo
from kinetrace.storage import throttle as throttle_repo
from kinetrace.storage.throttle import ThrottleKey
from kinetrace.web.deps import DB, CsrfChecked, CurrentUser, State
from kinetrace.web.errors import error_body
from kinetrace.web.passwords import check_password
from kinetrace.web.security import hash_password, needs_rehash, new_csrf_token, verify_password

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["session"])

# A real hash to verify against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = hash_password("no-such-user-password")


def _throttle_keys(request: Request, state: State, email: str) -> tuple[ThrottleKey, ...]:
    """Failures count against this account from this client, and (with a larger allowance) against the client
    alone, so one client guessing cannot lock the account for everyone else."""
    allowance = state.settings.sign_in_attempts
    client = request.client.host if request.client else "unknown"
    account = email.strip().lower()
    return (
        ThrottleKey(f"account-client:{account}|{client}", allowance),
        ThrottleKey(f"client:{client}", allowance * 4),
    )


def _sign_in(request: Request, state: State, db: DB, email: str, password: str) -> UserRecord | HTTPException:
    """Return the signed-in user, or the error to show. Failures are counted in this request's transaction,
    so the caller must return (not raise) the error for the count to be kept."""
    settings, now = state.settings, utcnow()
    keys = _throttle_keys(request, state, email)
    wait = throttle_repo.retry_after_s(
        db, keys, now=now, window_s=settings.sign_in_window_s, backoff_s=settings.sign_in_backoff_s
    )
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
    throttle_repo.clear_failures(db, keys[:1])
    _start_session(request, user)
    audit_repo.record_event(db, Scope(user.clinic_id, user.id), "sign_in", "user", user.id)
    return user


def _start_session(request: Request, user: UserRecord, *, version: int | None = None) -> None:
    request.session.clear()
    request.session.update(
        user_id=user.id,
        clinic_id=user.clinic_id,
        sv=version if version is not None else user.session_version,
        csrf=new_csrf_token(),
    )


def _end_session(request: Request, state: State, db: DB) -> None:
    """Sign out every copy of this session: the user's session version moves on, so old cookies stop working."""
    user_id = request.session.get("user_id")
    if isinstance(user_id, int) and request.session.get("sv") is not None:
        user = clinic_repo.get_user(db, user_id)
        if user is not None and user.session_version == request.session.get("sv"):
            clinic_repo.end_sessions(db, user_id)
            audit_repo.record_event(db, Scope(user.clinic_id, user.id), "sign_out", "user", user.id)
        state.users.forget(user_id, after=db)
    request.session.clear()


@pages.get("/login")
def login_page(
    request: Request,
    state: State,
    next: str = "/patients",  # noqa: A002 - query name
    expired: str = "",
) -> Response:
    """Show the sign-in form (with a note when a sign-in expired mid-form)."""
    context = {"next": next, "email": "", "error": None, "expired": expired == "1"}
    return state.templates.TemplateResponse(request, "login.html", context)


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
def logout(request: Request, state: State, db: DB) -> Response:
    """End the session, and every copy of it."""
    _end_session(request, state, db)
    return RedirectResponse("/login", status_code=303)


@pages.get("/account")
def account_page(request: Request, state: State, user: CurrentUser) -> Response:
    """Show the form to change one's password."""
    return state.templates.TemplateResponse(request, "account.html", {"user": user, "errors": {}, "done": False})


@pages.post("/account/password", dependencies=[CsrfChecked])
def change_password_page(
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    """Change the password; every other session of this user ends, this one stays signed in."""
    try:
        _change_password(request, state, db, user, current_password, new_password)
    except InputError as exc:
        return state.templates.TemplateResponse(
            request, "account.html", {"user": user, "errors": {exc.field: exc.message}, "done": False}, status_code=422
        )
    return state.templates.TemplateResponse(request, "account.html", {"user": user, "errors": {}, "done": True})


def _change_password(request: Request, state: State, db: DB, user: UserRecord, current: str, new: str) -> None:
    stored = clinic_repo.get_password_hash(db, user.id)
    if stored is None or not verify_password(stored, current):
        raise InputError("current_password", None, "your current password")
    check_password(new, email=user.email, field="new_password")
    clinic_repo.set_password_hash(db, user.id, hash_password(new), end_sessions=True)
    state.users.forget(user.id, after=db)
    _start_session(request, user, version=user.session_version + 1)
    audit_repo.record_event(db, Scope(user.clinic_id, user.id), "update", "user", user.id, detail="password")


class PasswordChange(BaseModel):
    """The current password and the new one."""

    current_password: str
    new_password: str


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
def delete_session(request: Request, state: State, db: DB) -> Response:
    """Sign out; every copy of the session cookie stops working."""
    _end_session(request, state, db)
    return Response(status_code=204)


@api.put("/session/password", response_model=SessionPublic, dependencies=[CsrfChecked])
def change_password_api(
    body: PasswordChange, request: Request, state: State, db: DB, user: CurrentUser
) -> SessionPublic:
    """Change the password (422 names the field); every other session of this user ends."""
    _change_password(request, state, db, user, body.current_password, body.new_password)
    return SessionPublic(
        user_id=user.id, clinic_id=user.clinic_id, name=user.name, role=user.role, csrf_token=request.session["csrf"]
    )
