"""Rendered page fragments of stored results, kept per (fragment, assessment, version, knowledge-base version).

A completed assessment's stored result and plan never change, so the long parts of their pages (ranking, chain
drawing, findings, plan items with sources) are rendered once; only the header with the user's own forms is
rendered per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from kinetrace.storage import AssessmentRecord, PlanRecord
from kinetrace.storage.records import AssessmentSummary
from kinetrace.web.view import chain_drawing, pain_area_keys, rank_reasons

__all__ = ["FragmentCache"]


class FragmentCache:
    """A small LRU cache of rendered HTML fragments."""

    def __init__(self, *, size: int = 512) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._values: dict[Hashable, Any] = {}
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

    def value(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return a small computed value under `key` (kept in the same LRU as the fragments)."""
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.pop(next(iter(self._values)))
        return value

    def result_head(
        self, summary: AssessmentSummary, load: Callable[[], AssessmentRecord], kb: object, env: Environment
    ) -> Any:
        """Return {triage_html, profile_label, has_plan} of a stored result, loading the record only once."""

        def compute() -> dict[str, Any]:
            result = load().result_data or {}
            triage = Markup(env.get_template("_triage.html").render(result=result, kb=kb))
            return {
                "triage_html": triage,
                "profile_label": result.get("profile_label", ""),
                "has_plan": bool(result.get("plan")),
            }

        return self.value(("result-head", summary.id, summary.version), compute)

    def result_body(
        self,
        record: AssessmentRecord | Callable[[], AssessmentRecord],
        kb: object,
        env: Environment,
        *,
        key: tuple[int, int] | None = None,
    ) -> Markup:
        """Return the formatted stored result of an assessment (`record` may be a loader, called only on a miss)."""
        load = record if callable(record) else (lambda: record)
        ident = key or (record.id, record.version)  # type: ignore[union-attr]

        def render() -> str:
            record = load()
            result = record.result_data or {}
            pain = record.case_data.get("pain", [])
            return env.get_template("_result_body.html").render(
                result=result,
                kb=kb,
                chains=chain_drawing(result, kb),
                pain_regions={p.get("region") for p in pain},
                pain_areas=pain_area_keys(pain),
                reasons=rank_reasons(result),
            )

        return self.get(("result", *ident, getattr(kb, "version", "")), render)

    def plan_body(
        self,
        summary: AssessmentSummary,
        load: Callable[[], AssessmentRecord],
        plan: PlanRecord | None,
        kb: object,
        env: Environment,
    ) -> Markup:
        """Return the triage banner and the plan items of an assessment (the record is loaded only on a miss)."""

        def render() -> str:
            return env.get_template("_plan_body.html").render(
                result=load().result_data or {}, kb=kb, items=plan.items if plan else []
            )

        plan_version = plan.version if plan else 0
        return self.get(("plan", summary.id, summary.version, plan_version, getattr(kb, "version", "")), render)
