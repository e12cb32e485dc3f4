"""Assessment findings → CSV, one row per test and side, with unit, method, error and what it was read as.

Each row also carries the patient reference and the assessment date (empty for a case/1 result), so a row read on
its own still says whose and when.
"""

from __future__ import annotations

import csv
import io

from kinetrace.result import Assessment, FindingResult

__all__ = ["CSV_COLUMNS", "measurements_csv"]

CSV_COLUMNS = (
    "case_id", "patient_ref", "assessed_on", "kb_version", "test_id", "test_name", "side", "value", "unit",
    "method", "source", "uncertainty", "error_gate", "reads_as", "state",
)


def _rows(f: FindingResult) -> list[tuple[str, float | str]]:
    rows: list[tuple[str, float | str]] = []
    for side in ("left", "right", "value"):
        value = getattr(f, side)
        if value is not None:
            rows.append(("none" if side == "value" else side, value))
    return rows


def measurements_csv(assessment: Assessment) -> str:
    """Return the findings as CSV text (RFC 4180, header row first, UTF-8 friendly)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    ident = assessment.identity
    who = (ident.patient_ref or "") if ident else ""
    when = (ident.assessed_on or "") if ident else ""
    for f in assessment.findings:
        primary = next((t for t in f.targets if t.role == "primary"), f.targets[0] if f.targets else None)
        for side, value in _rows(f):
            writer.writerow([
                assessment.case_id or "", who, when, assessment.kb_version, f.test_id, f.name, side, value, f.unit,
                f.method or "", f.source or "", "" if f.uncertainty is None else f.uncertainty,
                "" if f.error_gate is None else f.error_gate, primary.target if primary else "",
                primary.state if primary else "",
            ])
    return buf.getvalue()
