"""The password policy: long enough, not one of the common passwords, not a repeated pattern or the email.

The common-password list is the 30,000-entry `passwords` frequency list shipped in the `zxcvbn` package (PyPI,
MIT licence), read once on first use.
"""

from __future__ import annotations

from functools import cache

from kinetrace.errors import InputError

__all__ = ["MIN_PASSWORD_LENGTH", "check_password"]

MIN_PASSWORD_LENGTH = 10
_MIN_DISTINCT_CHARACTERS = 5


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _is_common(password: str) -> bool:
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!?.")  # "password1!" is as weak as "password"
    return lowered in _common_passwords() or (len(stripped) >= 4 and stripped in _common_passwords())


def check_password(password: str, *, email: str = "", field: str = "password") -> None:
    """Raise InputError naming `field` when `password` breaks the policy (the password is never echoed)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(field, None, f"at least {MIN_PASSWORD_LENGTH} characters")
    if len(set(password)) < _MIN_DISTINCT_CHARACTERS:
        raise InputError(field, None, f"at least {_MIN_DISTINCT_CHARACTERS} different characters, not a repeat")
    if _is_common(password):
        raise InputError(field, None, "a password that is not on the list of common passwords")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        raise InputError(field, None, "a password that does not contain your email name")
