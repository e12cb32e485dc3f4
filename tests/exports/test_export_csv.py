"""CSV of measurements: one row per test and side."""

from __future__ import annotations

import csv
import io

from kinetrace.exports import measurements_csv
from kinetrace.exports.measurements_csv import CSV_COLUMNS
from kinetrace.result import Assessment


def test_one_row_per_side_with_units_and_state(sample: Assessment) -> None:
    rows = list(csv.DictReader(io.StringIO(measurements_csv(sample))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    hip = [r for r in rows if r["test_id"] == "hip_ir_prone"]
    assert [(r["side"], float(r["value"]), r["unit"]) for r in hip] == [
        ("left", 22.0, "deg"),
        ("right", 38.0, "deg"),
    ]
    assert hip[0]["state"] == "present" and hip[0]["reads_as"] == "limited_hip_ir"
    cva = next(r for r in rows if r["test_id"] == "craniovertebral_angle")
    assert (cva["side"], cva["uncertainty"], cva["source"]) == ("none", "2.5", "photo:side.jpg")


def test_every_finding_appears(sample: Assessment) -> None:
    rows = list(csv.DictReader(io.StringIO(measurements_csv(sample))))
    assert {r["test_id"] for r in rows} == {f.test_id for f in sample.findings}


def test_rows_carry_patient_reference_and_assessment_date() -> None:
    from kinetrace.assessment import assess
    from kinetrace.demo_cases import demo_case_path
    from kinetrace.intake import load_case
    from kinetrace.knowledge import load_knowledge

    rows = list(csv.DictReader(io.StringIO(measurements_csv(assess(load_case(demo_case_path()), load_knowledge())))))
    assert rows and all(r["patient_ref"] == "demo-01" and r["assessed_on"] == "2026-11-20" for r in rows)
