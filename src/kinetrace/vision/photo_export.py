"""Posture photo analysis as JSON-ready data and CSV rows (written atomically)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from kinetrace.metrics.capture import GateCheck
from kinetrace.metrics.posture import Measurement
from kinetrace.metrics.posture_summary import MetricSummary
from kinetrace.vision.photo import PhotoAnalysis, PhotoResult

__all__ = [
    "CSV_COLUMNS",
    "POSTURE_SCHEMA",
    "analysis_to_csv",
    "analysis_to_dict",
    "gate_to_dict",
    "measurement_to_dict",
    "photo_to_dict",
    "summary_to_dict",
    "write_text_atomic",
]

POSTURE_SCHEMA = "kinetrace.posture/1"
CSV_COLUMNS = ("source", "view", "metric_id", "name", "side", "direction", "status", "value", "unit",
               "uncertainty", "n", "spread_sd", "value_pct_stature", "is_proxy", "reason", "landmarks", "validated",
               "review")


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(float(x), nd)


def measurement_to_dict(m: Measurement) -> dict[str, Any]:
    """One per-photo measurement, with its landmarks and their provenance."""
    return {
        "metric_id": m.metric_id, "name": m.name, "view": m.view, "side": m.side.value, "status": m.status.value,
        "value": _r(m.value), "unit": m.unit, "uncertainty": _r(m.uncertainty), "is_proxy": m.is_proxy,
        "value_pct_stature": _r(m.value_pct_stature), "reason": m.reason or None, "source": m.source,
        "validated": m.validated, "review": m.review or None, "review_reason": m.review_reason or None,
        "landmarks": [{"name": lm.name, "x_px": _r(lm.x_px, 1), "y_px": _r(lm.y_px, 1),
                       "visibility": _r(lm.visibility), "provenance": lm.provenance.value,
                       "stands_for": lm.stands_for} for lm in m.landmarks],
    }


def summary_to_dict(s: MetricSummary) -> dict[str, Any]:
    """One metric over all photos."""
    return {
        "metric_id": s.metric_id, "name": s.name, "side": s.side.value, "direction": s.direction.value,
        "status": s.status.value, "value": _r(s.value), "unit": s.unit, "uncertainty": _r(s.uncertainty),
        "n": s.n, "spread_sd": _r(s.spread_sd), "min": _r(s.value_min), "max": _r(s.value_max),
        "views": list(s.views), "sources": list(s.sources), "is_proxy": s.is_proxy, "reason": s.reason or None,
        "validated": s.validated, "review": s.review or None,
    }


def photo_to_dict(p: PhotoResult) -> dict[str, Any]:
    """One photo: view, gates, warnings and measurements, or its error."""
    guess = p.view_detected
    return {
        "source": p.source, "ok": p.ok, "error": p.error or None, "view": p.view, "view_given": p.view_given,
        "view_detected": None if guess is None else {"view": guess.view, "reason": guess.reason},
        "people_detected": p.people_detected, "labels_swapped": p.labels_swapped,
        "roll_deg": _r(p.roll_deg), "roll_basis": p.roll_basis,
        "scale": None if p.scale is None else {"mm_per_px": _r(p.scale.mm_per_px, 4), "basis": p.scale.basis},
        "annotated": None if p.annotated is None else str(p.annotated),
        "warnings": list(p.warnings), "measurements": [measurement_to_dict(m) for m in p.measurements],
        "refused": bool(p.refused_by),
        "refused_by": [gate_to_dict(c) for c in p.refused_by],
        "gates": [gate_to_dict(c) for c in p.gates],
    }


def gate_to_dict(c: GateCheck) -> dict[str, Any]:
    """One capture gate on one photo: gate id, value, what was expected, passed, action and the sentence."""
    return {"gate": c.gate, "passed": c.passed, "action": c.action.value, "value": _r(c.value), "unit": c.unit,
            "expected": c.expected, "message": c.message}


def analysis_to_dict(a: PhotoAnalysis) -> dict[str, Any]:
    """The whole analysis as plain data (the `--json` output)."""
    return {"schema": POSTURE_SCHEMA, "model": a.model, "findings": a.findings, "needs_review": a.review,
            "metrics": [summary_to_dict(s) for s in a.metrics], "photos": [photo_to_dict(p) for p in a.photos],
            "warnings": list(a.warnings), "annotated": [str(p) for p in a.annotated]}


def _landmarks_text(m: Measurement) -> str:
    return "; ".join(f"{lm.name}@{lm.x_px:.0f},{lm.y_px:.0f}({lm.provenance.value})" for lm in m.landmarks)


def analysis_to_csv(a: PhotoAnalysis) -> str:
    """CSV text: one row per photo measurement, then one "(all photos)" row per metric summary."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in a.photos:
        for m in p.measurements:
            writer.writerow({"source": m.source, "view": m.view, "metric_id": m.metric_id, "name": m.name,
                             "side": m.side.value, "direction": "", "status": m.status.value,
                             "value": _r(m.value), "unit": m.unit, "uncertainty": _r(m.uncertainty), "n": 1,
                             "spread_sd": "", "value_pct_stature": _r(m.value_pct_stature),
                             "is_proxy": m.is_proxy, "reason": m.reason, "landmarks": _landmarks_text(m),
                             "validated": m.validated, "review": m.review})
    for s in a.metrics:
        writer.writerow({"source": "(all photos)", "view": "/".join(s.views), "metric_id": s.metric_id,
                         "name": s.name, "side": s.side.value, "direction": s.direction.value,
                         "status": s.status.value, "value": _r(s.value), "unit": s.unit,
                         "uncertainty": _r(s.uncertainty), "n": s.n, "spread_sd": _r(s.spread_sd),
                         "value_pct_stature": "", "is_proxy": s.is_proxy, "reason": s.reason, "landmarks": "",
                         "validated": s.validated, "review": s.review})
    return buf.getvalue()


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write text to `path` through a temporary file and a rename, so no half-written file is left."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kt-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; copies are meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
