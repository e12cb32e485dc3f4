"""Render a report model to HTML (Jinja) and PDF (WeasyPrint), offline; write files atomically."""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import os
import sys
import tempfile
import threading
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


_IMPORT_LOCK = threading.Lock()
_PER_THREAD = threading.local()


def _import_weasyprint() -> Any:
    """Import WeasyPrint without its library search spawning processes, falling back to the plain import.

    WeasyPrint tries several names for each native library (Pango, HarfBuzz, fontconfig…); every name that is not
    a file name makes cffi call `ctypes.util.find_library`, which on Linux runs `ldconfig`, `gcc` and `ld`
    (about 50 processes, a large share of a cold `kinetrace report`). Each list also holds the library's exact
    file name for Linux, macOS and Windows, which loads directly, so the search is skipped while WeasyPrint
    loads; if that fails on some system, the import is retried with the search.
    """
    with _IMPORT_LOCK:
        if "weasyprint" not in sys.modules:  # once loaded (or blocked, as a missing package), a plain import
            _import_without_library_search()
    import weasyprint

    return weasyprint


def _import_without_library_search() -> None:
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints a help box before it re-raises
            import weasyprint  # noqa: F401 (imported for its side effect: loading the native libraries)
    except OSError:  # a library only found by searching: forget the half-loaded package, import it plainly
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search


def _font_config() -> Any:
    """This thread's WeasyPrint font configuration, made once: building it scans the system's fonts, and it keeps
    Pango's font and line caches warm between reports (one per thread, as Pango objects are not thread-safe)."""
    config = getattr(_PER_THREAD, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _PER_THREAD.font_config = FontConfiguration()
    return config


def model_pdf(model: ReportModel) -> bytes:
    """Return the report as PDF bytes, rendered by WeasyPrint without any network access."""
    weasyprint = _import_weasyprint()
    from weasyprint.urls import URLFetcher

    # Only inline data: URIs are allowed, so a report can never reach the network or the file system.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    html = weasyprint.HTML(string=model_html(model), url_fetcher=fetcher, base_url=".")
    pdf: bytes = html.write_pdf(font_config=_font_config())
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
