"""Render a report model to HTML (Jinja) and PDF (WeasyPrint), offline; write files atomically."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kinetrace.reports.model import ReportModel

__all__ = ["TEMPLATES", "model_html", "model_pdf", "write_atomic"]

TEMPLATES = {"clinician": "clinician.html.j2", "patient": "patient.html.j2"}


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("kinetrace.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,  # a template asking for a field the model lacks is a bug
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _css() -> str:
    return resources.files("kinetrace.reports").joinpath("templates/report.css").read_text(encoding="utf-8")


def model_html(model: ReportModel) -> str:
    """Return the report as one self-contained HTML page (styles and pictures inline)."""
    template = _environment().get_template(TEMPLATES[model.audience])
    return str(template.render(r=model, css=_css()))


def model_pdf(model: ReportModel) -> bytes:
    """Return the report as PDF bytes, rendered by WeasyPrint without any network access."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    # Only inline data: URIs are allowed, so a report can never reach the network or the file system.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    html = weasyprint.HTML(string=model_html(model), url_fetcher=fetcher, base_url=".")
    pdf: bytes = html.write_pdf()
    return pdf


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder, so no half-written file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
