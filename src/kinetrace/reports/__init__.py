"""Reports: an Assessment → a typed report model (pure) → Jinja HTML → WeasyPrint PDF.

`compose_report` builds the model (with charts and, on reassessment, the progress section); `render_html` and
`render_pdf` format it; `write_atomic` writes the file without leaving half a PDF behind.
"""

from kinetrace.reports.build import build_report
from kinetrace.reports.compose import compose_report
from kinetrace.reports.model import Audience, PhotoPair, PhotoView, ReportModel
from kinetrace.reports.render import render_html, render_pdf, write_atomic

__all__ = [
    "Audience",
    "PhotoPair",
    "PhotoView",
    "ReportModel",
    "build_report",
    "compose_report",
    "render_html",
    "render_pdf",
    "write_atomic",
]
