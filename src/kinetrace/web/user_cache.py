"""Signed-in users looked up once every few seconds instead of on every request, yet never stale after a change.

Every server process of one `kinetrace serve` shares the data folder. A change that ends sessions (sign-out,
password change, disabling a user) writes a new random stamp to `users.stamp` there *after its transaction
commits*; each request reads the stamp (one small file read) and trusts a cached user only if it was loaded
under the same stamp. So a copied cookie gets 401 in every process as soon as the change is answered. The time
limit (`ttl_s`) remains as a backstop for processes that do not share the folder.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kinetrace.storage import UserRecord
from kinetrace.storage import clinics as clinic_repo

__all__ = ["UserCache"]

_STAMP_BYTES = 16


@dataclass(frozen=True)
class _Entry:
    loaded_at: float
    stamp: bytes
    user: UserRecord | None


class UserCache:
    """A small cache of active users by id, invalidated across server processes through a stamp file."""

    def __init__(self, sessions: sessionmaker[Session], stamp_file: Path, *, ttl_s: float = 1.0) -> None:
        self._sessions = sessions
        self._stamp_file = stamp_file
        self._ttl_s = ttl_s
        self._entries: dict[int, _Entry] = {}

    async def get(self, user_id: int) -> UserRecord | None:
        """Return the active user with this id, or None."""
        now = time.monotonic()
        stamp = self._read_stamp()  # read before the lookup: a change committed meanwhile moves it on
        hit = self._entries.get(user_id)
        if hit is not None and hit.stamp == stamp and now - hit.loaded_at < self._ttl_s:
            return hit.user
        user = await run_in_threadpool(self._load, user_id)
        self._entries[user_id] = _Entry(now, stamp, user)
        return user

    def forget(self, user_id: int, *, after: Session) -> None:
        """Drop one user here and, once `after` commits, in every server process (a change to that user)."""
        self._entries.pop(user_id, None)
        event.listen(after, "after_commit", lambda _session: self._write_stamp(), once=True)

    def _load(self, user_id: int) -> UserRecord | None:
        with self._sessions() as session:
            return clinic_repo.get_user(session, user_id)

    def _read_stamp(self) -> bytes:
        try:
            fd = os.open(self._stamp_file, os.O_RDONLY)
        except FileNotFoundError:
            return b""
        try:
            return os.pread(fd, _STAMP_BYTES, 0)
        finally:
            os.close(fd)

    def _write_stamp(self) -> None:
        fd = os.open(self._stamp_file, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, os.urandom(_STAMP_BYTES), 0)
        finally:
            os.close(fd)
