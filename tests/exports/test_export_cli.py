"""`kinetrace export`: FHIR, JSON and CSV of the demo case from the real façade."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from kinetrace.cli.app import main
from kinetrace.demo_cases import demo_case_path


def test_export_writes_a_valid_fhir_bundle_json_and_csv(tmp_path: Path) -> None:
    fhir, data, table = tmp_path / "b.json", tmp_path / "a.json", tmp_path / "m.csv"
    with pytest.raises(SystemExit) as info:
        main(["export", str(demo_case_path()), "--fhir", str(fhir), "--json", str(data), "--csv", str(table)])
    assert info.value.code == 0
    bundle = Bundle.model_validate(json.loads(fhir.read_text()))
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Patient", "Observation", "Condition", "ClinicalImpression", "CarePlan"} <= kinds
    patient = next(e.resource for e in bundle.entry if e.resource.get_resource_type() == "Patient")
    from kinetrace.intake import load_case

    case = load_case(demo_case_path())
    assert patient.gender == case.patient.sex
    assert json.loads(data.read_text())["schema"] == "kinetrace.assessment/1"
    rows = list(csv.DictReader(table.open()))
    (entry,) = case.finding_list("hip_ir_prone")
    hip = {r["side"]: float(r["value"]) for r in rows if r["test_id"] == "hip_ir_prone"}
    assert hip == {"left": entry.left, "right": entry.right}  # the case's values, in degrees


def test_export_needs_an_output(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", str(demo_case_path())])
    assert info.value.code == 2 and capsys.readouterr().err.startswith("Error: --fhir:")
