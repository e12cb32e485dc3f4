"""Issue 11: FHIR a receiver understands — LOINC and SNOMED CT codes with their sources, bodySite with laterality,
the complaint, red-flag answers, Flag + ServiceRequest for urgent triage, dates from the assessment, round trip."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle

from kinetrace.assessment import assess
from kinetrace.demo_cases import demo_case_path
from kinetrace.exports import fhir_bundle, fhir_bundle_json
from kinetrace.exports.fhir import EXT_LATERALITY
from kinetrace.intake import load_case
from kinetrace.knowledge import load_knowledge

ISSUED = "2026-12-04T12:00:00+00:00"


@pytest.fixture(scope="module")
def kb() -> Any:
    return load_knowledge()


def _bundle(name: str, kb: Any) -> dict[str, Any]:
    case = load_case(demo_case_path().with_name(name))
    return fhir_bundle(assess(case, kb), issued=ISSUED, case=case, kb=kb)


def _res(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _systems(bundle: dict[str, Any]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "system" in node and "code" in node:
                found.add((node["system"], node["code"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(bundle)
    return found


def test_every_standard_code_lists_the_documentation_it_was_checked_against() -> None:
    text = resources.files("kinetrace.exports").joinpath("data/fhir_codes.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    entries = [e for section in table.values() for e in (section or {}).values()]
    assert entries and all(e["source"] and e["system"] in {"http://loinc.org", "http://snomed.info/sct"}
                           for e in entries)


def test_demo_bundle_has_loinc_snomed_and_local_codes_side_by_side(kb: Any) -> None:
    bundle = _bundle("demo.yaml", kb)
    codes = _systems(bundle)
    assert ("http://loinc.org", "72514-3") in codes  # pain severity 0–10
    assert ("http://snomed.info/sct", "122496007") in codes  # lumbar spine structure
    assert ("http://snomed.info/sct", "24028007") in codes  # right
    pain = next(o for o in _res(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3")
    assert pain["valueInteger"] == 5 and pain["effectiveDateTime"] == "2026-11-20"
    assert [c["system"] for c in pain["code"]["coding"]][-1].startswith("https://kinetrace.dev/")  # local kept


def test_sided_observations_carry_body_site_with_laterality(kb: Any) -> None:
    bundle = _bundle("seed_003_hip_ir_rotation.yaml", kb)
    hip = next(o for o in _res(bundle, "Observation") if o["code"]["coding"][-1]["code"] == "hip_ir_prone")
    site = hip["bodySite"]
    assert site["coding"][0] == {"system": "http://snomed.info/sct", "code": "24136001",
                                 "display": "Hip joint structure"}
    lat = site["extension"][0]
    assert lat["url"] == EXT_LATERALITY and lat["valueCodeableConcept"]["coding"][0]["code"] == "51440002"
    complaint = next(c for c in _res(bundle, "Condition") if c["code"]["coding"][0]["code"] == "pain:lumbar")
    assert complaint["bodySite"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "7771000"
    patient = _res(bundle, "Patient")[0]
    assert patient["birthDate"] == "1981-03-02"


def test_red_flag_answers_and_emergency_flag_with_service_request(kb: Any) -> None:
    bundle = _bundle("red_flag_cauda_equina.yaml", kb)
    answers = _res(bundle, "QuestionnaireResponse")[0]
    saddle = next(i for i in answers["item"] if i["linkId"] == "saddle_numbness")
    assert saddle["answer"] == [{"valueBoolean": True}]
    flag = _res(bundle, "Flag")[0]
    request = _res(bundle, "ServiceRequest")[0]
    assert flag["status"] == "active" and "Emergency referral" in flag["code"]["text"]
    assert request["priority"] == "stat" and request["intent"] == "proposal"


def test_no_flag_when_the_screen_is_clear(kb: Any) -> None:
    bundle = _bundle("demo.yaml", kb)
    assert not _res(bundle, "Flag") and not _res(bundle, "ServiceRequest")


def test_bundle_round_trips_through_fhir_resources(kb: Any) -> None:
    case = load_case(demo_case_path())
    text = fhir_bundle_json(assess(case, kb), issued=ISSUED, case=case, kb=kb)
    parsed = Bundle.model_validate_json(text)
    again = json.loads(parsed.model_dump_json(exclude_none=True))
    original = json.loads(text)
    assert len(again["entry"]) == len(original["entry"])
    assert [e["resource"]["resourceType"] for e in again["entry"]] == [
        e["resource"]["resourceType"] for e in original["entry"]]
    assert _systems(again) == _systems(original)
    assert Bundle.model_validate(again) == parsed


def test_single_value_finding_with_a_side_carries_its_laterality(kb: Any) -> None:
    bundle = _bundle("conflicting_leg_length.yaml", kb)  # pelvic_obliquity_angle: {value: 1.5, side: left}
    obs = next(o for o in _res(bundle, "Observation") if o["code"]["coding"][-1]["code"] == "pelvic_obliquity_angle")
    lat = obs["bodySite"]["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert lat["code"] == "7771000"  # left


def test_joint_range_findings_carry_the_snomed_range_of_joint_movement_beside_the_local_test(kb: Any) -> None:
    """SNOMED CT 364564000 |Range of joint movement| for goniometric ranges; the local test code stays beside it
    and the joint and side stay in bodySite, so a receiver still knows which range was measured."""
    bundle = _bundle("seed_003_hip_ir_rotation.yaml", kb)
    hip = next(o for o in _res(bundle, "Observation") if o["code"]["coding"][-1]["code"] == "hip_ir_prone")
    first, local = hip["code"]["coding"][0], hip["code"]["coding"][-1]
    assert (first["system"], first["code"]) == ("http://snomed.info/sct", "364564000")
    assert local["system"].startswith("https://kinetrace.dev/") and local["code"] == "hip_ir_prone"
    assert hip["bodySite"]["coding"][0]["code"] == "24136001"  # hip joint structure
    sling = next(o for o in _res(bundle, "Observation") if o["code"]["coding"][-1]["code"] == "straight_leg_raise")
    assert len(sling["code"]["coding"]) == 1  # a provocation test is not a joint range: local code only
    Bundle.model_validate(bundle)
    table = yaml.safe_load(resources.files("kinetrace.exports").joinpath("data/fhir_codes.yaml").read_text("utf-8"))
    assert set(table["tests"]) <= set(kb.tests)  # every coded test id is a real clinical test
