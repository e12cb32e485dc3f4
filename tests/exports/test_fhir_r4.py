"""Issue 11: every resource of the example cases' FHIR bundles validates against FHIR R4 (4.0.1).

fhir.resources 8 in the venv has R5, R4B and STU3 models but not R4, so the check uses fhir.resources 6.4.0, whose
models are generated from the R4 core StructureDefinitions (required elements, cardinality, value types and the
required code bindings as enumerations), installed apart by scripts/setup.d/50-fhir-r4.sh in $KT_CACHE/fhir-r4
and run in `python -S` (tests/exports/r4_check.py) so its pydantic 1 never meets the venv's pydantic 2.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kinetrace.assessment import assess
from kinetrace.demo_cases import demo_case_path
from kinetrace.exports import fhir_bundle
from kinetrace.intake import load_case
from kinetrace.knowledge import load_knowledge

CHECK = Path(__file__).with_name("r4_check.py")
ISSUED = "2026-12-04T12:00:00+00:00"
EXAMPLES = sorted(demo_case_path().parent.glob("*.yaml"))


def _r4_dir() -> Path:
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[2] / ".cache"))
    target = cache / "fhir-r4"
    if not (target / ".complete-v1").is_file():
        raise RuntimeError(f"{target} is missing: run scripts/setup.d/50-fhir-r4.sh (scripts/test-all does).")
    return target


def _check(bundles: dict[str, dict[str, Any]], tmp: Path) -> subprocess.CompletedProcess[str]:
    files = []
    for name, bundle in bundles.items():
        path = tmp / f"{name}.json"
        path.write_text(json.dumps(bundle), encoding="utf-8")
        files.append(str(path))
    return subprocess.run([sys.executable, "-S", str(CHECK), str(_r4_dir()), *files],
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def bundles() -> dict[str, dict[str, Any]]:
    kb = load_knowledge()
    out = {}
    for path in EXAMPLES:
        case = load_case(path)
        out[path.stem] = fhir_bundle(assess(case, kb), issued=ISSUED, case=case, kb=kb)
    return out


def test_every_resource_of_every_example_bundle_is_valid_r4(bundles: dict[str, dict[str, Any]],
                                                            tmp_path: Path) -> None:
    kinds = {e["resource"]["resourceType"] for b in bundles.values() for e in b["entry"]}
    assert {"Patient", "Observation", "Condition", "QuestionnaireResponse", "Flag", "ServiceRequest"} <= kinds
    proc = _check(bundles, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("ok ")


def _first(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)


@pytest.mark.parametrize(("kind", "breakage", "expected"), [
    ("Observation", lambda r: r.pop("status"), "status"),  # required element (1..1)
    ("Flag", lambda r: r.__setitem__("status", "urgent"), "status"),  # required binding flag-status
    ("Patient", lambda r: r.__setitem__("birthDate", "4 March 1981"), "birthDate"),  # value type (date)
    ("Observation", lambda r: r.__setitem__("code", [r["code"]]), "code"),  # cardinality 1..1, not a list
])
def test_the_r4_check_catches_broken_resources(bundles: dict[str, dict[str, Any]], tmp_path: Path,
                                                kind: str, breakage: Any, expected: str) -> None:
    """The check is not vacuous: one broken element in an otherwise valid bundle fails it, naming the element."""
    source = next(b for b in bundles.values() if any(e["resource"]["resourceType"] == kind for e in b["entry"])
                  and (kind != "Patient" or "birthDate" in _first(b, "Patient")))
    broken = copy.deepcopy(source)
    breakage(_first(broken, kind))
    proc = _check({"broken": broken}, tmp_path)
    assert proc.returncode == 1
    assert kind in proc.stdout and expected in proc.stdout
