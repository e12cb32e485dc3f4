"""Password hashing (argon2), CSRF tokens and sign-in rate limiting."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["LoginThrottle", "hash_password", "needs_rehash", "new_csrf_token", "same_token", "verify_password"]

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return True when `password` matches `password_hash`."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return True when the hash uses older parameters than the current hasher."""
    return _HASHER.check_needs_rehash(password_hash)


def new_csrf_token() -> str:
    """Return a fresh random CSRF token for a session."""
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Compare two tokens in constant time; a missing token never matches."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class LoginThrottle:
    """Counts failed sign-ins per key (address and email) in a sliding window; thread-safe."""

    def __init__(self, *, attempts: int, window_s: float) -> None:
        self._attempts = attempts
        self._window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after_s(self, *keys: str, now: float | None = None) -> int:
        """Return seconds to wait before another attempt for any of `keys` (0 = allowed)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._prune(key, now)
                if len(q) >= self._attempts:
                    wait = max(wait, q[0] + self._window_s - now)
        return int(wait) + (1 if wait else 0)

    def fail(self, *keys: str, now: float | None = None) -> None:
        """Record one failed attempt against every key."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def succeed(self, *keys: str) -> None:
        """Forget the failures of these keys after a successful sign-in."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self._window_s:
            q.popleft()
        return q
