"""Rendered result bodies, kept per (assessment, version, knowledge-base version).

A completed assessment's stored result never changes, so the long part of its page (ranking, chain drawing,
findings, claims) is rendered once; only the header with the user's own forms is rendered per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from kinetrace.storage import AssessmentRecord
from kinetrace.web.view import chain_drawing

__all__ = ["ResultBodies"]


class ResultBodies:
    """A small LRU cache of rendered `_result_body.html` fragments."""

    def __init__(self, *, size: int = 256) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[int, int, str], Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, record: AssessmentRecord, kb: Any, env: Environment) -> Markup:
        """Return the rendered body of a stored result."""
        key = (record.id, record.version, kb.version)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        result = record.result_data or {}
        html = Markup(
            env.get_template("_result_body.html").render(
                result=result,
                kb=kb,
                chains=chain_drawing(result, kb),
                pain_regions={p.get("region") for p in record.case_data.get("pain", [])},
            )
        )
        with self._lock:
            self._entries[key] = html
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return html
