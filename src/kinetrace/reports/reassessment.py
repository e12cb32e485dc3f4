"""Reassessment section of a report: a `Progress` (from the core) turned into rows a reader can scan."""

from __future__ import annotations

from collections.abc import Sequence

from kinetrace.progress import Progress, TestChange
from kinetrace.reports.build import unit_suffix
from kinetrace.reports.model import ChangeView, PhotoPair, ProgressView, Tone

__all__ = ["progress_view"]

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


def progress_view(
    progress: Progress,
    *,
    before_label: str,
    after_label: str,
    photo_pairs: Sequence[PhotoPair] = (),
    chart: str = "",
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
    )
