"""Request dependencies: database session, current user and clinic scope, CSRF check, knowledge base."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.storage import Scope, UserRecord
from kinetrace.web.security import same_token
from kinetrace.web.state import AppState

__all__ = [
    "DB",
    "KB",
    "RecordId",
    "Admin",
    "CsrfChecked",
    "CurrentUser",
    "CsrfRejected",
    "Forbidden",
    "FormFields",
    "SignInRequired",
    "SignedIn",
    "State",
    "UserScope",
    "get_state",
]

# Ids in paths: positive and within the 64-bit integer columns (an oversized id is a 422, never a 500).
RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """Raised when a page or endpoint needs a signed-in user and there is none."""


class CsrfRejected(Exception):
    """Raised when an unsafe request lacks the session's CSRF token."""


class Forbidden(Exception):
    """Raised when the user's role may not do this."""


def _app_state(request: Request) -> AppState:
    return request.app.state.kt  # type: ignore[no-any-return]


async def get_state(request: Request) -> AppState:
    """Return the running app's state."""
    return _app_state(request)


State = Annotated[AppState, Depends(get_state)]


def _end(session: Session, *, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


@asynccontextmanager
async def _transaction(factory: sessionmaker[Session]) -> AsyncIterator[Session]:
    session = factory()  # connects lazily, in the route's worker thread
    # Ended in one worker-thread hop (commit or rollback, then close): every hop waits for a free thread.
    try:
        yield session
    except BaseException:
        await run_in_threadpool(_end, session, commit=False)
        raise
    await run_in_threadpool(_end, session, commit=True)


# The dependencies below read the state from the request rather than depending on `State`: FastAPI solves
# every sub-dependency anew for each use (even a cached one), about 50 µs of CPU each on every request.


async def _db(request: Request) -> AsyncIterator[Session]:
    state = _app_state(request)
    # One transaction per request: committed when the route returns, rolled back on any error, and finished
    # before the response is sent (scope="function"), so a 303 never points at uncommitted data. GET requests
    # only read (views go to the view log), so they never take the write lock.
    if request.method in ("GET", "HEAD"):
        async with _transaction(state.read_sessions) as session:
            yield session
        return
    # Writers queue here, in the event loop, rather than holding worker threads while they wait (SQLite has
    # one writer at a time; on PostgreSQL the gate is a no-op).
    async with state.write_gate, _transaction(state.sessions) as session:
        yield session


DB = Annotated[Session, Depends(_db, scope="function")]


async def _kb(request: Request) -> KnowledgeBase:
    return _app_state(request).kb()


KB = Annotated[KnowledgeBase, Depends(_kb)]


async def _current_user(request: Request) -> UserRecord:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        raise SignInRequired
    user = await _app_state(request).users.get(user_id)
    # The session version ends every copy of a cookie at once: sign-out, a password change and disabling the
    # user all raise the stored version, so an older cookie no longer matches.
    if (
        user is None
        or user.clinic_id != request.session.get("clinic_id")
        or user.session_version != request.session.get("sv")
    ):
        request.session.clear()
        raise SignInRequired
    return user


CurrentUser = Annotated[UserRecord, Depends(_current_user)]
SignedIn = Depends(_current_user)


async def _scope(user: CurrentUser) -> Scope:
    return Scope(clinic_id=user.clinic_id, user_id=user.id)


UserScope = Annotated[Scope, Depends(_scope)]


async def _admin(user: CurrentUser) -> UserRecord:
    if user.role != "admin":
        raise Forbidden
    return user


Admin = Annotated[UserRecord, Depends(_admin)]


async def _csrf(request: Request) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get("csrf")
    if not expected:
        # No session token: nothing could match, so refuse before reading (and spooling) the body.
        raise CsrfRejected
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not same_token(expected, given):
        raise CsrfRejected


CsrfChecked = Depends(_csrf)


async def _form_fields(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, Any], Depends(_form_fields)]
