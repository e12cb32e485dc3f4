"""Reports: an Assessment → a typed report model (pure) → Jinja HTML → WeasyPrint PDF.

Other adapters call `render_pdf(assessment, kb, audience=...)` or `render_html(...)`. Underneath,
`compose_report` builds the model (with charts and, on reassessment, the progress section), and `model_html` /
`model_pdf` format it; `write_atomic` writes a file without leaving half a PDF behind.
"""

from kinetrace.reports.api import render_html, render_pdf
from kinetrace.reports.build import build_report
from kinetrace.reports.compose import compose_report
from kinetrace.reports.model import Audience, PhotoPair, PhotoView, ReportModel
from kinetrace.reports.render import model_html, model_pdf, write_atomic

__all__ = [
    "Audience",
    "PhotoPair",
    "PhotoView",
    "ReportModel",
    "build_report",
    "compose_report",
    "model_html",
    "model_pdf",
    "render_html",
    "render_pdf",
    "write_atomic",
]
