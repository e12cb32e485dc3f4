"""Photo measurements combined across photos, and turned into case findings (`kinetrace.case/1`).

Repeated photos of one view, and left and right side photos, are averaged per metric (and per side for
bilateral metrics); the spread (SD, range) is kept so reports can show it. `posture_findings` writes the
averages in the case format of docs/contracts.md, keyed by test id, so they merge into a case by dict update.
Distances become findings only in mm (a scale was given); body-proportional values stay in the metrics.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinetrace.metrics.catalogue import Catalogue, MetricSpec
from kinetrace.metrics.posture import NEEDS_REVIEW, Measurement, Status
from kinetrace.units import Side

__all__ = ["MetricSummary", "checked_findings", "posture_findings", "review_entries", "summarise_measurements"]

_DIRECTIONAL = frozenset(
    {"frontal_head_tilt", "shoulder_height_difference", "pelvic_obliquity_angle", "lateral_trunk_shift"}
)
_METHOD = {"front": "front_photo", "back": "back_photo", "left": "side_photo", "right": "side_photo"}


@dataclass(frozen=True, slots=True)
class MetricSummary:
    """One metric (one side, for bilateral metrics) over all photos that could show it.

    `value` is the mean of the per-photo values in the catalogue's sign convention; `direction` is the side an
    asymmetry points to (frontal metrics). `uncertainty` is the 1-SD error of the mean; `spread_sd` the SD
    between photos (None for one photo). `validated` is False when any photo's metric had no validated error;
    `review` is "needs_review" when every measured value was outside the plausible range (kept out of the
    findings).
    """

    metric_id: str
    name: str
    side: Side
    status: Status
    unit: str
    value: float | None = None
    direction: Side = Side.NONE
    n: int = 0
    spread_sd: float | None = None
    value_min: float | None = None
    value_max: float | None = None
    uncertainty: float | None = None
    views: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    is_proxy: bool = False
    reason: str = ""
    measurements: tuple[Measurement, ...] = ()
    validated: bool = False
    review: str = ""


def summarise_measurements(
    measurements: list[Measurement] | tuple[Measurement, ...], catalogue: Catalogue
) -> tuple[MetricSummary, ...]:
    """Average measurements per metric (and side for bilateral metrics), in catalogue order."""
    groups: dict[tuple[str, Side], list[Measurement]] = defaultdict(list)
    for m in measurements:
        bilateral = catalogue.metric(m.metric_id).bilateral
        groups[(m.metric_id, m.side if bilateral else Side.NONE)].append(m)
    out = []
    for spec in catalogue.metrics:
        for side in (Side.LEFT, Side.RIGHT) if spec.bilateral else (Side.NONE,):
            group = groups.get((spec.id, side), [])
            out.append(_summarise(spec, side, group))
    return tuple(out)


def _summarise(spec: MetricSpec, side: Side, group: list[Measurement]) -> MetricSummary:
    measured = [m for m in group if m.status is Status.OK and m.value is not None]
    ok = [m for m in measured if not m.review] or measured
    if ok:
        # Prefer real units: if some photos had a scale and others not, average only the scaled ones.
        units = {m.unit for m in ok}
        chosen = spec.unit if spec.unit in units else sorted(units)[0]
        ok = [m for m in ok if m.unit == chosen]
        return _average(spec, chosen, side, ok, group)
    by_reason: dict[str, list[str]] = defaultdict(list)
    for m in group:
        by_reason[m.reason or "not measured"].append(m.source)
    reason = (
        " | ".join(
            f"{r} ({', '.join(dict.fromkeys(s for s in srcs if s))})" if any(srcs) else r
            for r, srcs in by_reason.items()
        )
        or "no photo was analysed"
    )
    return MetricSummary(
        metric_id=spec.id,
        name=spec.name,
        side=side,
        status=Status.NOT_MEASURABLE,
        unit=spec.unit,
        is_proxy=spec.is_proxy,
        reason=reason,
        measurements=tuple(group),
    )


def _average(spec: MetricSpec, unit: str, side: Side, ok: list[Measurement], group: list[Measurement]) -> MetricSummary:
    values = [float(m.value) for m in ok if m.value is not None]
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    # The validated error holds for each photo; it is not divided by √n (much of it is systematic).
    us = [m.uncertainty for m in ok if m.uncertainty is not None]
    unc = max(us) if us else None
    review = NEEDS_REVIEW if all(m.review for m in ok) else ""
    direction = Side.NONE
    if spec.id in _DIRECTIONAL and round(mean, 1) != 0:
        direction = Side.LEFT if mean > 0 else Side.RIGHT
    return MetricSummary(
        metric_id=spec.id,
        name=spec.name,
        side=side,
        status=Status.OK,
        unit=unit,
        value=mean,
        direction=direction,
        n=n,
        spread_sd=sd,
        value_min=min(values),
        value_max=max(values),
        uncertainty=unc,
        views=tuple(dict.fromkeys(m.view for m in ok)),
        sources=tuple(dict.fromkeys(m.source for m in ok)),
        is_proxy=spec.is_proxy,
        measurements=tuple(group),
        validated=all(m.validated for m in ok),
        review=review,
        reason="; ".join(dict.fromkeys(m.review_reason for m in ok if m.review)),
    )


def _note(s: MetricSummary) -> str:
    parts = [f"{s.n} photo(s)"]
    if s.spread_sd is not None:
        parts.append(f"SD between photos {s.spread_sd:.1f} {s.unit}")
    if s.is_proxy:
        parts.append("proxy landmarks (see the metric catalogue)")
    parts.append("± is the validated total error (posture_errors.yaml)" if s.validated else "not validated")
    return "; ".join(parts)


def _entry(s: MetricSummary) -> dict[str, Any]:
    methods = [_METHOD.get(v, "photo") for v in s.views]
    # the most frequent method; ties go to the order of _METHOD (front before back)
    order = list(dict.fromkeys(_METHOD.values()))
    method = max(sorted(set(methods), key=order.index), key=methods.count) if methods else "photo"
    return {
        "unit": s.unit,
        "method": method,
        "source": ", ".join(f"photo:{src}" for src in s.sources),
        "note": _note(s),
    }


def posture_findings(summaries: tuple[MetricSummary, ...], catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """Return the measured metrics as case findings keyed by test id (values rounded to 0.1)."""
    return _entries(summaries, catalogue, review=False)


def review_entries(summaries: tuple[MetricSummary, ...], catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """The values flagged "needs review" (outside the plausible range), in the findings format plus
    `review: needs_review`; they are never findings."""
    out = _entries(summaries, catalogue, review=True)
    for entry in out.values():
        entry["review"] = NEEDS_REVIEW
    return out


def _entries(summaries: tuple[MetricSummary, ...], catalogue: Catalogue, *, review: bool) -> dict[str, dict[str, Any]]:
    findings: dict[str, dict[str, Any]] = {}
    for s in summaries:
        spec = catalogue.metric(s.metric_id)
        if s.status is not Status.OK or s.value is None or s.unit != spec.unit or bool(s.review) != review:
            continue
        unc = None if s.uncertainty is None else round(s.uncertainty, 1)
        if spec.bilateral:
            entry = findings.setdefault(spec.test_id, _entry(s))
            entry[s.side.value] = round(s.value, 1)
            entry["validated"] = bool(entry.get("validated", True)) and s.validated
            if unc is not None:
                entry["uncertainty"] = max(unc, entry.get("uncertainty", 0.0))
            continue
        entry = _entry(s)
        if s.metric_id in _DIRECTIONAL:
            entry.update(value=round(abs(s.value), 1), side=s.direction.value)
        else:
            entry["value"] = round(s.value, 1)
        if unc is not None:
            entry["uncertainty"] = unc
        entry["validated"] = s.validated
        findings[spec.test_id] = entry
    return findings


def checked_findings(summaries: tuple[MetricSummary, ...], catalogue: Catalogue,
                     valid_ranges: Mapping[str, tuple[float | None, float | None]]
                     ) -> tuple[dict[str, dict[str, Any]], tuple[str, ...]]:
    """Findings as `posture_findings`, minus values outside each test's plausible range (from the knowledge
    base), with one warning per value left out: such a value means the photo is not of quiet standing or a
    landmark is wrong, and it would make the whole case invalid."""
    findings = posture_findings(summaries, catalogue)
    kept: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for test_id, found in findings.items():
        low, high = valid_ranges.get(test_id, (None, None))
        entry = dict(found)
        for key in ("value", "left", "right"):
            v = entry.get(key)
            if v is None or ((low is None or v >= low) and (high is None or v <= high)):
                continue
            del entry[key]
            where = "" if key == "value" else f" ({key})"
            warnings.append(f"{test_id}{where} {v:g} {entry['unit']} is outside the plausible range "
                            f"{_bound(low)}…{_bound(high)} {entry['unit']} for standing posture; left out "
                            "(is the person standing still, and are the landmarks right?)")
        if any(k in entry for k in ("value", "left", "right")):
            kept[test_id] = entry
    return kept, tuple(warnings)


def _bound(x: float | None) -> str:
    return "" if x is None else f"{x:g}"
