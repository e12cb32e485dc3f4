"""Reassessment section of a report: a `Progress` (from the core) turned into rows a reader can scan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kinetrace.knowledge.outcomes import OutcomeMeasure, find_outcome
from kinetrace.progress import Progress, TestChange
from kinetrace.progress.outcomes import judge_outcome
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


# The web app's colours: green better, red worse, grey within error (and grey with no threshold to judge by).
_OUTCOME_WORDS: dict[str, dict[str, tuple[str, Tone]]] = {
    "clinician": {"improved": ("improved", "ok"), "worsened": ("worse", "danger"),
                  "within_measurement_error": ("within error", "muted"), "changed": ("not judged", "muted")},
    "patient": {"improved": ("better", "ok"), "worsened": ("worse", "danger"),
                "within_measurement_error": ("too small to count yet", "muted"), "changed": ("not judged", "muted")},
}


def _judged(name: str, before: float, after: float, measure: OutcomeMeasure | None, *, unit: str,
            audience: str) -> ChangeView:
    """One outcome row: the change judged against the scale's MCID from outcomes.yaml (no threshold in code)."""
    change = after - before
    if measure is None:
        verdict = "changed"
        basis = "no minimal important change for this scale in the knowledge base"
    else:
        verdict = judge_outcome(before, after, measure)[0]
        basis = (f"MCID {measure.mcid:g} points (grade {measure.grade})" if audience == "clinician"
                 else f"a change of {measure.mcid:g} or more counts")
    label, tone = _OUTCOME_WORDS[audience][verdict]
    return ChangeView(name=name, before=f"{before:g}{unit}", after=f"{after:g}{unit}", change=f"{change:+g}",
                      error=basis, verdict=verdict, verdict_label=label, tone=tone)


def outcome_changes(
    before: CaseIdentity | None,
    after: CaseIdentity | None,
    region_name: dict[str, str] | None = None,
    *,
    outcomes: Mapping[str, OutcomeMeasure] | None = None,
    audience: str = "clinician",
) -> list[ChangeView]:
    """Pain intensity per painful region and the function score, before → after, as the patient reported them.

    Each change is judged against its scale's minimal clinically important difference (MCID) from the knowledge
    base's outcomes.yaml: improved or worse when it reaches the MCID, else within error; a scale the knowledge
    base does not know is shown but not judged.
    """
    if before is None or after is None:
        return []
    names, scales = region_name or {}, outcomes or {}
    pain_scale = find_outcome(scales, kind="pain")
    out = []
    earlier = {(p.region, p.side): p for p in before.complaint}
    for p in after.complaint:
        old = earlier.get((p.region, p.side)) or next((q for q in before.complaint if q.region == p.region), None)
        if old is not None:
            out.append(_judged(f"Pain, {names.get(p.region, p.region)} ({p.side})", old.intensity, p.intensity,
                               pain_scale, unit="/10", audience=audience))
    if before.function_score is not None and after.function_score is not None:
        instrument = after.function_instrument
        # an unnamed score is not judged: taking the first function scale's MCID would be a guess
        scale = find_outcome(scales, kind="function", instrument=instrument) if instrument else None
        out.append(_judged(f"Function ({instrument or 'score'})", before.function_score, after.function_score,
                           scale, unit="", audience=audience))
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
        f"Tests measured again: {improved} improved and {worsened} worse beyond measurement error; "
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
