"""Failed sign-ins per key in a sliding window, stored so every server process sees the same counts.

Keys are hashed before they are stored: the table never holds an address or an email.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kinetrace.storage.tables import SignInFailureRow

__all__ = ["clear_failures", "record_failure", "retry_after_s"]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def retry_after_s(session: Session, keys: tuple[str, ...], *, now: datetime, attempts: int, window_s: int) -> int:
    """Return seconds to wait before another attempt for any of `keys` (0 = allowed)."""
    since = now - timedelta(seconds=window_s)
    wait = 0.0
    for key in keys:
        count, oldest = session.execute(
            select(func.count(SignInFailureRow.id), func.min(SignInFailureRow.at)).where(
                SignInFailureRow.key_hash == _hash(key), SignInFailureRow.at > since
            )
        ).one()
        if count >= attempts and oldest is not None:
            wait = max(wait, (oldest + timedelta(seconds=window_s) - now).total_seconds())
    return int(wait) + (1 if wait > 0 else 0)


def record_failure(session: Session, keys: tuple[str, ...], *, now: datetime, window_s: int) -> None:
    """Count one failed attempt against every key (and drop entries older than the window)."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= now - timedelta(seconds=window_s)))
    session.add_all(SignInFailureRow(key_hash=_hash(k), at=now) for k in keys)


def clear_failures(session: Session, keys: tuple[str, ...]) -> None:
    """Forget the failures of these keys after a successful sign-in."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.key_hash.in_([_hash(k) for k in keys])))
