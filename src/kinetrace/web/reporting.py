"""Bridge to `kinetrace.reports`: a download link appears only when that module exposes a render function."""

from __future__ import annotations

import importlib
from typing import Any

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.result import Assessment
from kinetrace.storage import AssessmentRecord

__all__ = ["render_report", "report_available"]

_HTML_NAMES = ("render_html",)
_PDF_NAMES = ("render_pdf",)


def _reports() -> Any:
    try:
        return importlib.import_module("kinetrace.reports")
    except ImportError:
        return None


def report_available() -> bool:
    """Return True when the reports module can render an assessment."""
    module = _reports()
    return module is not None and any(hasattr(module, n) for n in (*_HTML_NAMES, *_PDF_NAMES))


def render_report(
    record: AssessmentRecord, kb: KnowledgeBase, *, fmt: str, previous: AssessmentRecord | None = None
) -> tuple[bytes, str]:
    """Return (body, media type) of the clinician report of a stored assessment.

    `previous`, the patient's last completed assessment before this one, adds the reassessment comparison.
    """
    from kinetrace.intake import parse_case

    module = _reports()
    result = Assessment.model_validate(record.result_data)
    before = Assessment.model_validate(previous.result_data) if previous and previous.result_data else None
    names = _PDF_NAMES if fmt == "pdf" else _HTML_NAMES
    render = next(getattr(module, n) for n in names if hasattr(module, n))
    out = render(result, kb, case=parse_case(record.case_data), previous=before)
    body = out.encode() if isinstance(out, str) else bytes(out)
    return body, "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
