"""Assessment → FHIR R4 Bundle (collection), validated with the `fhir.resources` R4B models.

Resources: one Patient (no name: an opaque id, sex if known), one Observation per finding (sides as components),
one Condition per ranked hypothesis with verification status `differential` (or `refuted` when its tests argue
against it), a ClinicalImpression that ties them together with the knowledge-base version and profile, and a
CarePlan for the plan (`on-hold` when the red-flag screen holds it back).

Codes: Kinetrace test ids under a local code system, unless `exports/data/fhir_codes.yaml` names a checked LOINC or
SNOMED CT code for the test. Units are UCUM. R4B equals R4 for every resource used here.
"""

from __future__ import annotations

import uuid
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kinetrace.intake.case import Case
from kinetrace.result import Assessment, FindingResult, PlanItem, RankedItem

__all__ = ["CODE_SYSTEM_TEST", "fhir_bundle", "fhir_bundle_json"]

CODE_SYSTEM_TEST = "https://kinetrace.dev/fhir/CodeSystem/clinical-test"
CODE_SYSTEM_HYPOTHESIS = "https://kinetrace.dev/fhir/CodeSystem/impairment"
CODE_SYSTEM_INTERVENTION = "https://kinetrace.dev/fhir/CodeSystem/intervention"
_UCUM = "http://unitsofmeasure.org"
_UCUM_CODES = {"deg": ("deg", "°"), "mm": ("mm", "mm"), "cm": ("cm", "cm"), "s": ("s", "s"),
               "mmHg": ("mm[Hg]", "mmHg"), "points": ("{score}", "points")}
_NAMESPACE = uuid.UUID("6b1f3c2e-5d0a-4f7e-9a41-4b1d2c3e4f50")  # fixed, so exports are reproducible
_REFUTED_STATES = {"absent"}
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
# What a finding's primary reading says, as HL7 interpretation codes: A abnormal, N normal, IND indeterminate.
_STATE_CODES = {"present": ("A", "Abnormal"), "probable": ("A", "Abnormal"), "possible": ("IND", "Indeterminate"),
                "indeterminate": ("IND", "Indeterminate"), "absent": ("N", "Normal")}


@cache
def _standard_codes() -> dict[str, dict[str, str]]:
    text = resources.files("kinetrace.exports").joinpath("data/fhir_codes.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {str(k): dict(v) for k, v in data.items()}


def _uuid(assessment: Assessment, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{assessment.case_id}|{assessment.kb_version}|{key}')}"


def _test_code(f: FindingResult) -> dict[str, Any]:
    codings = [{"system": CODE_SYSTEM_TEST, "code": f.test_id, "display": f.name}]
    standard = _standard_codes().get(f.test_id)
    if standard:
        codings.insert(0, {"system": standard["system"], "code": standard["code"], "display": standard["display"]})
    return {"coding": codings, "text": f.name}


def _value(value: float | str, unit: str) -> dict[str, Any]:
    if isinstance(value, str):
        if value in {"yes", "no"}:
            return {"valueBoolean": value == "yes"}
        return {"valueCodeableConcept": {"text": value}}
    if unit == "count":
        return {"valueInteger": int(value)}
    code, shown = _UCUM_CODES.get(unit, ("1", unit))
    return {"valueQuantity": {"value": float(value), "unit": shown, "system": _UCUM, "code": code}}


def _observation(a: Assessment, f: FindingResult, subject: str, issued: str) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "exam", "display": "Exam"}]}],
        "code": _test_code(f),
        "subject": {"reference": subject},
        "effectiveDateTime": issued,
    }
    if f.value is not None:
        obs.update(_value(f.value, f.unit))
    sides = [(s, getattr(f, s)) for s in ("left", "right") if getattr(f, s) is not None]
    if sides:
        obs["component"] = [
            {"code": {"coding": [{"system": CODE_SYSTEM_TEST, "code": f"{f.test_id}.{side}",
                                  "display": f"{f.name}, {side}"}], "text": side}, **_value(v, f.unit)}
            for side, v in sides]
    if f.method:
        obs["method"] = {"text": f.method}
    primary = next((t for t in f.targets if t.role == "primary"), None)
    if primary is not None and primary.state in _STATE_CODES:
        code, display = _STATE_CODES[primary.state]
        obs["interpretation"] = [{"coding": [{"system": _INTERPRETATION, "code": code, "display": display}],
                                  "text": f"{primary.target.replace('_', ' ')}: {primary.state}"}]
    notes = [t.reason for t in f.targets if t.reason]
    if f.uncertainty is not None:
        notes.append(f"measurement uncertainty ±{f.uncertainty:g} {f.unit}")
    if f.source:
        notes.append(f"source: {f.source}")
    if notes:
        obs["note"] = [{"text": n} for n in notes]
    return obs


def _reference_range(test: Any) -> dict[str, Any]:
    """The test's normal range: its threshold as the low (abnormal below) or high (abnormal above) bound."""
    out: dict[str, Any] = {"text": test.normal_text}
    rule = next((r for r in test.informs if r.role == "primary" and r.when in {"below", "above"}), None)
    if rule is not None and test.unit in _UCUM_CODES:
        code, shown = _UCUM_CODES[test.unit]
        bound = {"value": float(rule.threshold), "unit": shown, "system": _UCUM, "code": code}
        out["low" if rule.when == "below" else "high"] = bound
    return out


def _condition(r: RankedItem, subject: str, evidence: list[str]) -> dict[str, Any]:
    status = "refuted" if r.state in _REFUTED_STATES else "differential"
    cond: dict[str, Any] = {
        "resourceType": "Condition",
        "verificationStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": status}]},
        "code": {"coding": [{"system": CODE_SYSTEM_HYPOTHESIS, "code": r.id, "display": r.name}], "text": r.name},
        "subject": {"reference": subject},
        "note": [{"text": f"Kinetrace {r.kind} hypothesis, {_probability(r)}. {r.explanation}"},
                 *({"text": p.text} for p in r.paths)],
    }
    if status != "refuted":
        cond["clinicalStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]}
    if evidence:
        cond["evidence"] = [{"detail": [{"reference": ref} for ref in evidence]}]
    return cond


def _probability(r: RankedItem) -> str:
    return "screened by red-flag rule" if r.probability is None else f"probability {r.probability:.2f}"


def _activity(p: PlanItem) -> dict[str, Any]:
    description = f"{p.description} Dose: {p.dosage}." if p.dosage else p.description
    return {"detail": {
        "code": {"coding": [{"system": CODE_SYSTEM_INTERVENTION, "code": p.intervention_id, "display": p.name}],
                 "text": p.name},
        "status": "not-started",
        "description": f"{description} Evidence grade {p.grade}. Because: {p.because}",
    }}


def fhir_bundle(
    assessment: Assessment, *, issued: str, case: Case | None = None, kb: Any = None
) -> dict[str, Any]:
    """Return a FHIR R4 Bundle (as a dict) for one assessment, validated by `fhir.resources`.

    `issued` is an ISO 8601 date-time chosen by the caller (the core keeps no clock). With `kb` (the loaded
    knowledge base) each Observation also carries its test's normal range as `referenceRange`.
    """
    a = assessment
    patient_url = _uuid(a, "patient")
    patient: dict[str, Any] = {"resourceType": "Patient", "active": True}
    if case is not None:
        patient["gender"] = case.patient.sex if case.patient.sex != "other" else "other"
        if case.patient.id:
            patient["identifier"] = [{"system": "https://kinetrace.dev/fhir/patient-ref", "value": case.patient.id}]
    entries: list[tuple[str, dict[str, Any]]] = [(patient_url, patient)]
    obs_urls: dict[str, str] = {}
    for f in a.findings:
        url = _uuid(a, f"obs:{f.test_id}")
        obs_urls[f.test_id] = url
        obs = _observation(a, f, patient_url, issued)
        test = getattr(kb, "tests", {}).get(f.test_id) if kb is not None else None
        if test is not None:
            obs["referenceRange"] = [_reference_range(test)]
        entries.append((url, obs))
    cond_urls: dict[str, str] = {}
    for r in a.ranking:
        url = _uuid(a, f"cond:{r.id}")
        cond_urls[r.id] = url
        evidence = [obs_urls[t] for t in _evidence_tests(a, r.id) if t in obs_urls]
        entries.append((url, _condition(r, patient_url, evidence)))
    entries.append((_uuid(a, "impression"), _impression(a, patient_url, issued, cond_urls)))
    entries.append((_uuid(a, "careplan"), _careplan(a, patient_url, cond_urls)))
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": "https://kinetrace.dev/fhir/assessment", "value": _uuid(a, "bundle")[9:]},
        "type": "collection",
        "timestamp": issued,
        "entry": [{"fullUrl": url, "resource": res} for url, res in entries],
    }
    _validate(bundle)
    return bundle


def _evidence_tests(a: Assessment, impairment_id: str) -> list[str]:
    return [f.test_id for f in a.findings if any(t.target == impairment_id for t in f.targets)]


def _impression(a: Assessment, subject: str, issued: str, conds: dict[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "ClinicalImpression",
        "status": "completed",
        "subject": {"reference": subject},
        "date": issued,
        "description": f"Kinetrace assessment; knowledge base {a.kb_version}; profile {a.profile_label}.",
        "summary": " ".join(x for x in (a.triage.summary, a.remote_summary) if x),
        "protocol": [f"https://kinetrace.dev/knowledge/{a.kb_version}"],
        "problem": [{"reference": url} for url in conds.values()],
        "finding": [{"itemReference": {"reference": url}, "basis": _probability(r)}
                    for r in a.ranking if (url := conds.get(r.id))],
        "note": [{"text": f"Triage: {a.triage.action}."}, *({"text": w} for w in a.warnings)],
    }


def _careplan(a: Assessment, subject: str, conds: dict[str, str]) -> dict[str, Any]:
    targets = {t for p in a.plan for t in p.targets}
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "on-hold" if a.triage.plan_suppressed else "active",
        "intent": "plan",
        "title": "Kinetrace corrective plan",
        "subject": {"reference": subject},
        "activity": [_activity(p) for p in a.plan],
        "note": [{"text": s} for s in a.safety_net] or [{"text": a.triage.summary}],
    }
    addresses = [{"reference": conds[t]} for t in targets if t in conds]
    if addresses:
        plan["addresses"] = addresses
    if not plan["activity"]:
        del plan["activity"]
    return plan


def _validate(bundle: dict[str, Any]) -> None:
    """Parse the bundle with the R4B models; a failure here is a programming error, not a user error."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def fhir_bundle_json(assessment: Assessment, *, issued: str, case: Case | None = None, kb: Any = None) -> str:
    """Return the validated Bundle as JSON text."""
    import json

    bundle = fhir_bundle(assessment, issued=issued, case=case, kb=kb)
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
