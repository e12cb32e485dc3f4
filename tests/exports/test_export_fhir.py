"""FHIR R4 Bundle: validates with fhir.resources and carries every finding, hypothesis and plan item."""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle

from kinetrace.exports import fhir_bundle, fhir_bundle_json
from kinetrace.exports.fhir import CODE_SYSTEM_TEST
from kinetrace.intake.case import Case
from kinetrace.result import Assessment

ISSUED = "2026-11-21T12:00:00+00:00"


def _by_type(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_validates_and_holds_the_expected_resources(sample: Assessment) -> None:
    bundle = fhir_bundle(sample, issued=ISSUED)
    parsed = Bundle.model_validate(bundle)  # independent re-validation of the exported dict
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert (
        kinds.count("Patient") == 1
        and kinds.count("ClinicalImpression") == 1
        and kinds.count("CarePlan") == 1
    )
    assert kinds.count("Observation") == len(sample.findings)
    assert kinds.count("Condition") == len(sample.ranking)


def test_bilateral_finding_has_left_and_right_components_in_ucum(sample: Assessment) -> None:
    obs = next(
        o
        for o in _by_type(fhir_bundle(sample, issued=ISSUED), "Observation")
        if o["code"]["coding"][-1]["code"] == "hip_ir_prone"
    )
    assert obs["code"]["coding"][-1]["system"] == CODE_SYSTEM_TEST
    values = {c["code"]["text"]: c["valueQuantity"] for c in obs["component"]}
    assert values["left"] == {
        "value": 22.0,
        "unit": "°",
        "system": "http://unitsofmeasure.org",
        "code": "deg",
    }
    assert values["right"]["value"] == 38.0


def test_hypotheses_are_differential_or_refuted_with_evidence(sample: Assessment) -> None:
    bundle = fhir_bundle(sample, issued=ISSUED)
    conds = {c["code"]["coding"][0]["code"]: c for c in _by_type(bundle, "Condition")}
    assert conds["limited_hip_ir"]["verificationStatus"]["coding"][0]["code"] == "differential"
    assert conds["sij_pain"]["verificationStatus"]["coding"][0]["code"] == "refuted"
    evidence = conds["limited_hip_ir"]["evidence"][0]["detail"]
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert evidence and all(d["reference"] in urls for d in evidence)


def test_care_plan_is_on_hold_when_the_plan_is_suppressed(sample: Assessment) -> None:
    held = sample.model_copy(
        update={"triage": sample.triage.model_copy(update={"plan_suppressed": True}), "plan": []}
    )
    plan = _by_type(fhir_bundle(held, issued=ISSUED), "CarePlan")[0]
    assert plan["status"] == "on-hold" and "activity" not in plan


def test_patient_carries_sex_and_opaque_id_never_a_name(sample: Assessment) -> None:
    case = Case.model_validate({"patient": {"age": 41, "sex": "female", "id": "P-0007"}})
    patient = _by_type(fhir_bundle(sample, issued=ISSUED, case=case), "Patient")[0]
    assert patient["gender"] == "female" and patient["identifier"][0]["value"] == "P-0007"
    assert "name" not in patient


def test_export_is_reproducible(sample: Assessment) -> None:
    assert fhir_bundle_json(sample, issued=ISSUED) == fhir_bundle_json(sample, issued=ISSUED)
    assert json.loads(fhir_bundle_json(sample, issued=ISSUED))["timestamp"] == ISSUED


def test_red_flag_hypothesis_exports_without_a_probability(sample: Assessment) -> None:
    from kinetrace.result import RankedItem

    flag = RankedItem(id="cauda_equina_syndrome_suspected", name="Cauda equina syndrome", kind="red_flag",
                      probability=None, explanation="saddle numbness with new bladder change")
    bundle = fhir_bundle(sample.model_copy(update={"ranking": [flag, *sample.ranking]}), issued=ISSUED)
    cond = next(c for c in _by_type(bundle, "Condition") if c["code"]["coding"][0]["code"] == flag.id)
    assert "screened by red-flag rule" in cond["note"][0]["text"]


def test_observation_interpretation_follows_the_primary_reading(sample: Assessment) -> None:
    obs = {o["code"]["coding"][-1]["code"]: o for o in _by_type(fhir_bundle(sample, issued=ISSUED), "Observation")}
    assert obs["hip_ir_prone"]["interpretation"][0]["coding"][0]["code"] == "A"  # limited_hip_ir present
    assert obs["laslett_sij_cluster"]["interpretation"][0]["coding"][0]["code"] == "N"  # sij_pain absent
    assert "interpretation" not in obs["straight_leg_raise"]  # only a supporting reading


def test_reference_range_comes_from_the_test_threshold(sample: Assessment) -> None:
    from kinetrace.knowledge import load_knowledge

    kb = load_knowledge()
    bundle = fhir_bundle(sample, issued=ISSUED, kb=kb)
    obs = {o["code"]["coding"][-1]["code"]: o for o in _by_type(bundle, "Observation")}
    hip = obs["hip_ir_prone"]["referenceRange"][0]
    threshold = next(r.threshold for r in kb.tests["hip_ir_prone"].informs if r.role == "primary")
    assert hip["low"]["value"] == threshold and hip["low"]["code"] == "deg"  # abnormal below: a low bound
    assert hip["text"] == kb.tests["hip_ir_prone"].normal_text
    Bundle.model_validate(bundle)
