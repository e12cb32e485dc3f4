"""Progress across reassessments: one plotted series per test and side, each change marked by the core.

Whether a change is real or within measurement error is decided by `kinetrace.progress.compare_assessments`;
`compare` below is the single call site.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.outcomes import OutcomeMeasure, find_outcome
from kinetrace.progress.outcomes import judge_outcome
from kinetrace.result import Assessment
from kinetrace.storage import AssessmentRecord

__all__ = ["ProgressCache", "Series", "build_progress", "compare"]

_W, _H, _PAD = 320.0, 120.0, 18.0


@dataclass
class Series:
    """One test reading over visits, scaled for an SVG plot."""

    test_id: str
    name: str
    unit: str
    part: str
    values: list[tuple[int, float]] = field(default_factory=list)
    marks: dict[int, tuple[str, str]] = field(default_factory=dict)
    scale: OutcomeMeasure | None = None

    def points(self, visits: int) -> list[dict[str, Any]]:
        """Return plot points {x, y, value, visit, verdict, text}."""
        ys = [v for _, v in self.values]
        low, high = min(ys), max(ys)
        span = (high - low) or 1.0
        step = (_W - 2 * _PAD) / max(1, visits - 1)
        out = []
        for visit, value in self.values:
            verdict, text = self.marks.get(visit, ("", ""))
            out.append(
                {
                    "x": _PAD + visit * step,
                    "y": _H - _PAD - (value - low) / span * (_H - 2 * _PAD),
                    "value": value,
                    "visit": visit,
                    "verdict": verdict,
                    "text": text,
                }
            )
        return out


def compare(before: Assessment, after: Assessment, kb: KnowledgeBase) -> Any:
    """Return the core's test-by-test comparison of two visits (real change or within measurement error)."""
    from kinetrace.progress import compare_assessments

    return compare_assessments(before, after, kb)


def _numeric(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _outcome_series(done: list[AssessmentRecord], kb: KnowledgeBase, series: dict[tuple[str, str], Series]) -> None:
    """Add the pain (per region) and function series, each later point judged against the scale's MCID."""
    # Thresholds and direction come from outcomes.yaml; a scale the knowledge base does not know gets no verdict.
    pain_scale = find_outcome(kb.outcomes, kind="pain")
    for visit, record in enumerate(done):
        for entry in record.case_data.get("pain", []):
            value = _numeric(entry.get("intensity"))
            region = str(entry.get("region", ""))
            if value is not None:
                key = (f"pain_{region}", "value")
                name = kb.regions[region].name if region in kb.regions else region.replace("_", " ")
                s = series.setdefault(key, Series(key[0], f"Pain – {name}", "0–10", "value"))
                s.values.append((visit, value))
        function = record.case_data.get("function")
        score = _numeric(function.get("score")) if isinstance(function, dict) else None
        if isinstance(function, dict) and score is not None:
            instrument = str(function.get("instrument", "function"))
            s = series.setdefault(("function", "value"), Series("function", f"Function – {instrument}",
                                                                 "points", "value"))
            s.values.append((visit, score))
            s.scale = find_outcome(kb.outcomes, kind="function", instrument=instrument)
    for key, s in series.items():
        scale = pain_scale if key[0].startswith("pain_") else s.scale if key[0] == "function" else None
        if scale is None:
            continue
        for (_, before), (visit, after) in zip(s.values, s.values[1:], strict=False):
            verdict, text = judge_outcome(before, after, scale)
            s.marks[visit] = (verdict, f"{text} ({scale.name}; MCID grade {scale.grade})")


def build_progress(records: list[AssessmentRecord], kb: KnowledgeBase) -> tuple[list[Series], list[Any]]:
    """Return (series, comparisons) for a patient's completed assessments, oldest first."""
    done = [r for r in records if r.result_data]
    results = [Assessment.model_validate(r.result_data) for r in done]
    series: dict[tuple[str, str], Series] = {}
    _outcome_series(done, kb, series)
    for visit, result in enumerate(results):
        for f in result.findings:
            for part in ("left", "right", "value"):
                value = _numeric(getattr(f, part))
                if value is not None:
                    s = series.setdefault((f.test_id, part), Series(f.test_id, f.name, f.unit, part))
                    s.values.append((visit, value))
    comparisons = []
    for visit in range(1, len(results)):
        progress = compare(results[visit - 1], results[visit], kb)
        comparisons.append(progress)
        for change in progress.changes:
            if (change.test_id, change.part) in series:
                series[(change.test_id, change.part)].marks[visit] = (change.verdict, change.text)
    return [s for s in series.values() if len(s.values) >= 1], comparisons


class ProgressCache:
    """Remembers `build_progress` for the last patients seen: stored assessments never change once complete,
    so the key is the (id, version) of each assessment plus the knowledge-base version."""

    def __init__(self, *, size: int = 256) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[list[Series], list[Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, records: list[AssessmentRecord], kb: KnowledgeBase) -> tuple[list[Series], list[Any]]:
        """Return (series, comparisons) for these records, computing them once."""
        key = (kb.version, *((r.id, r.version) for r in records))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build_progress(records, kb)
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value
