"""Bridge to `kinetrace.reports`: a download link appears only when that module exposes a render function."""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.result import Assessment
from kinetrace.storage import AssessmentRecord, MediaRecord

__all__ = ["capture_plots", "render_report", "report_available"]

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


def capture_plots(uploads: Path, captures: Sequence[MediaRecord]) -> list[Any]:
    """The angle plot of each analysed 3-D capture as a report picture (`reports.model.PhotoView`)."""
    from kinetrace.capture.labels import CaptureSource
    from kinetrace.reports.model import PhotoView

    plots = []
    for media in captures:
        path = uploads / media.stored_name / "out" / "angles.png"
        if media.status != "done" or not path.is_file():
            continue
        summary = json.loads((path.parent / "summary.json").read_text(encoding="utf-8"))
        label = CaptureSource(cameras=len(summary["cameras"]), test=str(summary["test"]))
        uri = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        plots.append(
            PhotoView(caption=f"{label.method_label}: joint angles over the {label.test_label} trial", data_uri=uri)
        )
    return plots


def render_report(
    record: AssessmentRecord,
    kb: KnowledgeBase,
    *,
    fmt: str,
    previous: AssessmentRecord | None = None,
    photos: Sequence[Any] = (),
) -> tuple[bytes, str]:
    """Return (body, media type) of the clinician report of a stored assessment.

    `previous`, the patient's last completed assessment before this one, adds the reassessment comparison;
    `photos` (`capture_plots`) are shown under "Photos and movement".
    """
    from kinetrace.intake import parse_case

    module = _reports()
    result = Assessment.model_validate(record.result_data)
    before = Assessment.model_validate(previous.result_data) if previous and previous.result_data else None
    names = _PDF_NAMES if fmt == "pdf" else _HTML_NAMES
    render = next(getattr(module, n) for n in names if hasattr(module, n))
    out = render(result, kb, case=parse_case(record.case_data), previous=before, photos=photos)
    body = out.encode() if isinstance(out, str) else bytes(out)
    return body, "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
