"""Failed sign-ins per key in a sliding window, stored so every server process sees the same counts.

Keys are hashed before they are stored: the table never holds an address or an email. Each key has its own
allowance; past it, the wait doubles with every further failure (a back-off, not a hard lock), counted from the
newest failure and never longer than the window.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kinetrace.storage.tables import SignInFailureRow

__all__ = ["ThrottleKey", "clear_failures", "record_failure", "retry_after_s"]


@dataclass(frozen=True)
class ThrottleKey:
    """One thing failures are counted against (e.g. an account from one client) and how many it may have."""

    key: str
    attempts: int


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _wait_s(count: int, newest: datetime, *, attempts: int, now: datetime, window_s: int, backoff_s: float) -> float:
    if count < attempts:
        return 0.0
    delay = min(float(window_s), backoff_s * 2.0 ** (count - attempts))
    return max(0.0, (newest + timedelta(seconds=delay) - now).total_seconds())


def retry_after_s(
    session: Session, keys: tuple[ThrottleKey, ...], *, now: datetime, window_s: int, backoff_s: float
) -> int:
    """Return whole seconds to wait before another attempt for any of `keys` (0 = allowed)."""
    since = now - timedelta(seconds=window_s)
    wait = 0.0
    for item in keys:
        count, newest = session.execute(
            select(func.count(SignInFailureRow.id), func.max(SignInFailureRow.at)).where(
                SignInFailureRow.key_hash == _hash(item.key), SignInFailureRow.at > since
            )
        ).one()
        if newest is not None:
            wait = max(
                wait,
                _wait_s(count, newest, attempts=item.attempts, now=now, window_s=window_s, backoff_s=backoff_s),
            )
    return int(wait) + (1 if wait > int(wait) else 0)


def record_failure(session: Session, keys: tuple[ThrottleKey, ...], *, now: datetime, window_s: int) -> None:
    """Count one failed attempt against every key (and drop entries older than the window)."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= now - timedelta(seconds=window_s)))
    session.add_all(SignInFailureRow(key_hash=_hash(k.key), at=now) for k in keys)


def clear_failures(session: Session, keys: tuple[ThrottleKey, ...]) -> None:
    """Forget the failures of these keys after a successful sign-in."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.key_hash.in_([_hash(k.key) for k in keys])))
