"""The reports' entry points for other adapters (CLI, web): an Assessment in, HTML text or PDF bytes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kinetrace.intake.case import Case
from kinetrace.reports.compose import compose_report
from kinetrace.reports.model import Audience, PhotoPair, PhotoView
from kinetrace.reports.render import model_html, model_pdf
from kinetrace.result import Assessment

__all__ = ["render_html", "render_pdf"]


def _today() -> str:
    return dt.date.today().strftime("%d %b %Y").lstrip("0")


def _compose(assessment: Assessment, kb: Any, options: dict[str, Any]) -> Any:
    generated_on = options.pop("generated_on", None) or _today()
    return compose_report(assessment, kb=kb, generated_on=generated_on, **options)


def render_html(
    assessment: Assessment,
    kb: Any = None,
    *,
    audience: Audience = "clinician",
    case: Case | None = None,
    previous: Assessment | None = None,
    photos: Sequence[PhotoView] = (),
    photo_pairs: Sequence[PhotoPair] = (),
    generated_on: str | None = None,
) -> str:
    """Return the report of `assessment` as one self-contained HTML page.

    `kb` is the loaded knowledge base; `previous`, when given, adds the reassessment comparison.
    """
    model = _compose(assessment, kb, {"audience": audience, "case": case, "previous": previous, "photos": photos,
                                      "photo_pairs": photo_pairs, "generated_on": generated_on})
    return model_html(model)


def render_pdf(
    assessment: Assessment,
    kb: Any = None,
    *,
    audience: Audience = "clinician",
    case: Case | None = None,
    previous: Assessment | None = None,
    photos: Sequence[PhotoView] = (),
    photo_pairs: Sequence[PhotoPair] = (),
    generated_on: str | None = None,
) -> bytes:
    """Return the report of `assessment` as PDF bytes (WeasyPrint, offline); see `render_html`."""
    model = _compose(assessment, kb, {"audience": audience, "case": case, "previous": previous, "photos": photos,
                                      "photo_pairs": photo_pairs, "generated_on": generated_on})
    return model_pdf(model)
