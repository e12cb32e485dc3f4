"""Assemble a full report model: the pure model plus charts and, on reassessment, the progress section."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kinetrace.intake.case import Case
from kinetrace.progress import compare_assessments
from kinetrace.reports.build import build_report
from kinetrace.reports.model import Audience, PhotoPair, PhotoView, ReportModel
from kinetrace.reports.numberline import numberline_svg, threshold_rows
from kinetrace.reports.people import date_words, plain_region
from kinetrace.reports.plots import progress_chart_png
from kinetrace.reports.reassessment import interval_words, outcome_changes, progress_view
from kinetrace.result import Assessment

__all__ = ["compose_report"]


def compose_report(
    assessment: Assessment,
    *,
    audience: Audience,
    generated_on: str,
    kb: Any = None,
    case: Case | None = None,
    photos: Sequence[PhotoView] = (),
    previous: Assessment | None = None,
    photo_pairs: Sequence[PhotoPair] = (),
) -> ReportModel:
    """Return the report model with its charts; with `previous`, add the reassessment comparison.

    `kb` is the loaded knowledge base (names, thresholds, error figures, references); without it the report
    still renders, with ids for names and no threshold chart.
    """
    progress = None
    if previous is not None:
        comparison = compare_assessments(previous, assessment, kb if kb is not None else _NoTests())
        before_on = previous.identity.assessed_on if previous.identity else None
        after_on = assessment.identity.assessed_on if assessment.identity else None
        regions = {r: str(e.name) for r, e in getattr(kb, "regions", {}).items()} if kb is not None else {}
        if audience == "patient":
            regions = {r: plain_region(name).lower() for r, name in regions.items()}
        progress = progress_view(
            comparison,
            before_label=f"Visit of {date_words(before_on)}" if before_on else (previous.case_id or "first visit"),
            after_label=f"visit of {date_words(after_on)}" if after_on else (assessment.case_id or "this visit"),
            photo_pairs=photo_pairs,
            chart=progress_chart_png(comparison.changes),
            outcomes=outcome_changes(previous.identity, assessment.identity, regions,
                                     outcomes=getattr(kb, "outcomes", {}), audience=audience),
            interval=interval_words(before_on, after_on),
        )
    model = build_report(
        assessment, audience=audience, generated_on=generated_on, kb=kb, case=case, photos=photos, progress=progress
    )
    current = getattr(kb, "version", None)
    if current is not None and current != assessment.kb_version:
        note = (f"This result was made with knowledge base {assessment.kb_version}; names, thresholds and "
                f"sources shown here come from {current}. Re-run the assessment to reproduce it exactly.")
        model = model.model_copy(update={"warnings": [*model.warnings, note]})
    tests = getattr(kb, "tests", {}) if kb is not None else {}
    if audience == "clinician" and tests:
        chart = numberline_svg(threshold_rows(assessment.findings, tests))
        return model.model_copy(update={"findings_chart_svg": chart})
    return model


class _NoTests:
    tests: dict[str, Any] = {}  # noqa: RUF012 - read-only stand-in when no knowledge base is given
