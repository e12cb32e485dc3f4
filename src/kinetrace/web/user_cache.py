"""Signed-in users looked up once every few seconds instead of on every request.

A signed-out, disabled or deleted user loses access at once in this process (`forget`) and within `ttl_s`
seconds in the other server processes; the lookup runs in a worker thread.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kinetrace.storage import UserRecord
from kinetrace.storage import clinics as clinic_repo

__all__ = ["UserCache"]


class UserCache:
    """A small time-limited cache of active users by id."""

    def __init__(self, sessions: sessionmaker[Session], *, ttl_s: float = 1.0) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._entries: dict[int, tuple[float, UserRecord | None]] = {}

    async def get(self, user_id: int) -> UserRecord | None:
        """Return the active user with this id, or None."""
        now = time.monotonic()
        hit = self._entries.get(user_id)
        if hit is not None and now - hit[0] < self._ttl_s:
            return hit[1]
        user = await run_in_threadpool(self._load, user_id)
        self._entries[user_id] = (now, user)
        return user

    def forget(self, user_id: int) -> None:
        """Drop one user so the next request reads them again (after a change to that user)."""
        self._entries.pop(user_id, None)

    def _load(self, user_id: int) -> UserRecord | None:
        with self._sessions() as session:
            return clinic_repo.get_user(session, user_id)
