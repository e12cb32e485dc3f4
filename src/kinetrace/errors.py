"""Kinetrace's exception tree.

```text
KinetraceError
├── InputError        the user can fix it; carries field path, value and what was expected
│   ├── MediaError    unreadable image or video, no person found, landmarks too uncertain
│   └── NotFoundError unknown case, patient or assessment id
├── ConflictError     stale edit or duplicate record
└── KnowledgeError    the shipped data is wrong (a developer fix); lists every problem
```

A red flag that stops the plan is not an exception: it is a normal result
(`Assessment.triage.action`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "ConflictError",
    "InputError",
    "KinetraceError",
    "KnowledgeError",
    "MediaError",
    "NotFoundError",
]


class KinetraceError(Exception):
    """Base class of every error Kinetrace raises on purpose."""


class InputError(KinetraceError):
    """Bad user input: names the field, the value received and what was expected."""

    def __init__(self, field: str, value: Any = None, expected: str = "", *, message: str | None = None,
                 problems: Sequence[str] | None = None) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        if message is None:
            got = "" if value is None else f"got {value!r}; "
            message = f"{field}: {got}expected {expected}." if expected else f"{field}: {got}".rstrip("; ")
        self.message = message
        # every problem found when several were gathered (the message shows the first)
        self.problems: list[str] = list(problems) if problems else [message]
        super().__init__(message)


class MediaError(InputError):
    """An image or video that cannot be used (unreadable, no person, too uncertain)."""


class NotFoundError(InputError):
    """An id or file that does not exist."""


class ConflictError(KinetraceError):
    """A stale edit or a duplicate record."""


class KnowledgeError(KinetraceError):
    """The shipped knowledge base is inconsistent; `problems` lists every one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the knowledge base:"
        super().__init__("\n".join([head, *(f"- {p}" for p in self.problems)]))
