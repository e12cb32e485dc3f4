"""Rendered page fragments of stored results, kept per (fragment, assessment, version, knowledge-base version).

A completed assessment's stored result and plan never change, so the long parts of their pages (ranking, chain
drawing, findings, plan items with sources) are rendered once; only the header with the user's own forms is
rendered per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from jinja2 import Environment
from markupsafe import Markup

from kinetrace.storage import AssessmentRecord, PlanRecord
from kinetrace.web.view import chain_drawing, pain_area_keys, rank_reasons

__all__ = ["FragmentCache"]


class FragmentCache:
    """A small LRU cache of rendered HTML fragments."""

    def __init__(self, *, size: int = 512) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """Return the fragment under `key`, rendering it once."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        html = Markup(render())
        with self._lock:
            self._entries[key] = html
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return html

    def result_body(self, record: AssessmentRecord, kb: object, env: Environment) -> Markup:
        """Return the formatted stored result of an assessment."""
        result = record.result_data or {}

        def render() -> str:
            pain = record.case_data.get("pain", [])
            return env.get_template("_result_body.html").render(
                result=result,
                kb=kb,
                chains=chain_drawing(result, kb),
                pain_regions={p.get("region") for p in pain},
                pain_areas=pain_area_keys(pain),
                reasons=rank_reasons(result),
            )

        return self.get(("result", record.id, record.version, getattr(kb, "version", "")), render)

    def plan_body(self, record: AssessmentRecord, plan: PlanRecord | None, kb: object, env: Environment) -> Markup:
        """Return the triage banner and the plan items of an assessment."""

        def render() -> str:
            return env.get_template("_plan_body.html").render(
                result=record.result_data or {}, kb=kb, items=plan.items if plan else []
            )

        plan_version = plan.version if plan else 0
        return self.get(("plan", record.id, record.version, plan_version, getattr(kb, "version", "")), render)
