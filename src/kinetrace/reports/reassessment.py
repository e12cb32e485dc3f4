"""Reassessment section of a report: a `Progress` (from the core) turned into rows a reader can scan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kinetrace.progress import Progress, TestChange
from kinetrace.reports.build import unit_suffix
from kinetrace.reports.model import ChangeView, PhotoPair, ProgressView, Tone
from kinetrace.result import CaseIdentity

__all__ = ["interval_words", "outcome_changes", "progress_view"]

_VERDICTS: dict[str, tuple[str, Tone]] = {
    "improved": ("improved", "ok"),
    "worsened": ("worse", "danger"),
    "within_measurement_error": ("within measurement error", "muted"),
    "unchanged": ("no change", "muted"),
    "changed": ("changed (not graded)", "warn"),
    "not_comparable": ("not comparable", "muted"),
}
_PARTS = {"left": ", left", "right": ", right", "value": "", "asymmetry": ", left–right difference"}


def _value(x: float | str | None, unit: str) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:.1f}".rstrip("0").rstrip(".") + unit_suffix(unit)


def _change_view(c: TestChange) -> ChangeView:
    label, tone = _VERDICTS[c.verdict]
    change = "—" if c.change is None else f"{c.change:+.1f}{unit_suffix(c.unit)}"
    error = "no error figure"
    if c.detectable_change is not None:
        error = f"±{c.detectable_change:.1f}{unit_suffix(c.unit)}" + (
            f" ({c.error_basis})" if c.error_basis else ""
        )
    return ChangeView(
        name=f"{c.name}{_PARTS[c.part]}",
        before=_value(c.before, c.unit),
        after=_value(c.after, c.unit),
        change=change,
        error=error,
        verdict=c.verdict,
        verdict_label=label,
        tone=tone,
    )


def interval_words(before: str | None, after: str | None) -> str:
    """'6 weeks' (or days) between two ISO dates; empty when either is unknown."""
    if not before or not after:
        return ""
    days = (dt.date.fromisoformat(after) - dt.date.fromisoformat(before)).days
    if days % 7 == 0 and days >= 14:
        return f"{days // 7} weeks"
    return f"{days} day{'s' if days != 1 else ''}"


def _direction(change: float, *, lower_is_better: bool) -> tuple[str, str, Tone]:
    if change == 0:
        return "unchanged", "no change", "muted"
    better = change < 0 if lower_is_better else change > 0
    return ("improved", "better", "ok") if better else ("worsened", "worse", "danger")


def outcome_changes(before: CaseIdentity | None, after: CaseIdentity | None,
                    region_name: dict[str, str] | None = None) -> list[ChangeView]:
    """Pain intensity per painful region and the function score, before → after, as the patient reported them.

    Shown as reported, without a judgement against a clinically important change (no threshold in code).
    """
    if before is None or after is None:
        return []
    names = region_name or {}
    out = []
    earlier = {(p.region, p.side): p for p in before.complaint}
    for p in after.complaint:
        old = earlier.get((p.region, p.side)) or next((q for q in before.complaint if q.region == p.region), None)
        if old is None:
            continue
        change = p.intensity - old.intensity
        verdict, label, tone = _direction(change, lower_is_better=True)
        out.append(ChangeView(name=f"Pain, {names.get(p.region, p.region)} ({p.side})", before=f"{old.intensity}/10",
                              after=f"{p.intensity}/10", change=f"{change:+d}", error="patient-reported 0–10",
                              verdict=verdict, verdict_label=label, tone=tone))
    if before.function_score is not None and after.function_score is not None:
        change_f = after.function_score - before.function_score
        verdict, label, tone = _direction(change_f, lower_is_better=not after.function_higher_is_better)
        out.append(ChangeView(name=f"Function ({after.function_instrument})", before=f"{before.function_score:g}",
                              after=f"{after.function_score:g}", change=f"{change_f:+g}",
                              error="higher is better" if after.function_higher_is_better else "lower is better",
                              verdict=verdict, verdict_label=label, tone=tone))
    return out


def progress_view(
    progress: Progress,
    *,
    before_label: str,
    after_label: str,
    photo_pairs: Sequence[PhotoPair] = (),
    chart: str = "",
    outcomes: Sequence[ChangeView] = (),
    interval: str = "",
) -> ProgressView:
    """Return the report's reassessment section for `progress`."""
    improved, worsened = progress.count("improved"), progress.count("worsened")
    within = progress.count("within_measurement_error")
    summary = (
        f"{improved} improved and {worsened} worse beyond measurement error; "
        f"{within} within measurement error, so not a real change yet."
    )
    return ProgressView(
        before_label=before_label,
        after_label=after_label,
        summary=summary,
        changes=[_change_view(c) for c in progress.changes],
        photo_pairs=list(photo_pairs),
        chart=chart,
        only_before=list(progress.only_before),
        only_after=list(progress.only_after),
        outcomes=list(outcomes),
        interval=interval,
    )
