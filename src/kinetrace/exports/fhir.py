"""Assessment → FHIR R4 Bundle (collection), validated with the `fhir.resources` R4B models.

Resources: one Patient (reference, sex, name and birth date when known); the complaint as one Condition per painful
region plus a pain-severity Observation (LOINC 72514-3, with the pain body site) each; one Observation per finding
(sides as components, bodySite with laterality); one Condition per ranked hypothesis with verification status
`differential` (or `refuted` when its tests argue against it); the red-flag answers as a QuestionnaireResponse; for an
urgent or emergency triage a Flag plus a ServiceRequest; a ClinicalImpression that ties them together with the
knowledge-base version and profile; and a CarePlan for the plan (`on-hold` when the red-flag screen holds it back).

Codes: standard codes (LOINC, SNOMED CT) from `exports/data/fhir_codes.yaml`, each listed with the documentation it
was checked against, with the local Kinetrace coding kept alongside in `coding[]`. Units are UCUM. Times: every
clinical resource is dated by the assessment (`Assessment.identity.assessed_on`); only `Bundle.timestamp` is the
export time. R4B equals R4 for every resource used here.
"""

from __future__ import annotations

import uuid
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kinetrace.intake.case import Case
from kinetrace.result import Assessment, FindingResult, PlanItem, RankedItem
from kinetrace.values import ActionLevel, Side

__all__ = ["CODE_SYSTEM_TEST", "fhir_bundle", "fhir_bundle_json"]

CODE_SYSTEM_TEST = "https://kinetrace.dev/fhir/CodeSystem/clinical-test"
CODE_SYSTEM_HYPOTHESIS = "https://kinetrace.dev/fhir/CodeSystem/impairment"
CODE_SYSTEM_INTERVENTION = "https://kinetrace.dev/fhir/CodeSystem/intervention"
CODE_SYSTEM_REGION = "https://kinetrace.dev/fhir/CodeSystem/region"
CODE_SYSTEM_OBSERVATION = "https://kinetrace.dev/fhir/CodeSystem/observation"
EXT_LATERALITY = "https://kinetrace.dev/fhir/StructureDefinition/body-site-laterality"
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
def _code_table() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files("kinetrace.exports").joinpath("data/fhir_codes.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {str(section): {str(k): dict(v) for k, v in (entries or {}).items()} for section, entries in data.items()}


def _standard_codes() -> dict[str, dict[str, str]]:
    return _code_table().get("tests", {})


def _coding(section: str, key: str) -> dict[str, str] | None:
    entry = _code_table().get(section, {}).get(key)
    return None if entry is None else {k: entry[k] for k in ("system", "code", "display")}


_SIDES = {"left": "left", "right": "right", "bilateral": "bilateral", "both": "bilateral"}


def _body_site(region: str, side: str | None, name: str) -> dict[str, Any]:
    """bodySite: the region's SNOMED CT structure (if checked) plus the local region code; laterality as an
    extension with the SNOMED CT qualifier (R4 has no laterality element)."""
    codings = [{"system": CODE_SYSTEM_REGION, "code": region, "display": name}]
    standard = _coding("body_sites", region)
    if standard:
        codings.insert(0, standard)
    lat = _coding("laterality", _SIDES.get(side or "", ""))
    site: dict[str, Any] = {"coding": codings, "text": f"{name}, {side}" if lat else name}
    if lat:
        site["extension"] = [{"url": EXT_LATERALITY, "valueCodeableConcept": {"coding": [lat], "text": side}}]
    return site


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


def _observation(a: Assessment, f: FindingResult, subject: str, issued: str, *, test: Any = None,
                 region_name: str = "", entered_side: str | None = None) -> dict[str, Any]:
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
    if test is not None:
        both = f.left is not None and f.right is not None
        one = "left" if f.left is not None else "right" if f.right is not None else entered_side
        obs["bodySite"] = _body_site(test.region, "bilateral" if both else one, region_name or test.region)
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

    `issued` is an ISO 8601 date-time chosen by the caller (the core keeps no clock); it dates the Bundle, and the
    clinical resources too when the case has no assessment date (case/1). With `case` the red-flag answers are
    exported; with `kb` (the loaded knowledge base) each Observation carries its test's normal range and body site.
    """
    a = assessment
    when = _effective(a, issued)
    patient_url = _uuid(a, "patient")
    entries: list[tuple[str, dict[str, Any]]] = [(patient_url, _patient(a, case))]
    entries.extend(_complaint(a, patient_url, when, kb))
    obs_urls: dict[str, str] = {}
    for f in a.findings:
        url = _uuid(a, f"obs:{f.test_id}")
        obs_urls[f.test_id] = url
        test = getattr(kb, "tests", {}).get(f.test_id) if kb is not None else None
        obs = _observation(a, f, patient_url, when, test=test,
                           region_name=_region_name(kb, test.region) if test else "",
                           entered_side=_entered_side(case, f.test_id))
        if test is not None:
            obs["referenceRange"] = [_reference_range(test)]
        entries.append((url, obs))
    cond_urls: dict[str, str] = {}
    for r in a.ranking:
        url = _uuid(a, f"cond:{r.id}")
        cond_urls[r.id] = url
        evidence = [obs_urls[t] for t in _evidence_tests(a, r.id) if t in obs_urls]
        entries.append((url, _condition(r, patient_url, evidence)))
    if case is not None and case.red_flags:
        entries.append((_uuid(a, "red-flags"), _red_flag_answers(case, patient_url, when, kb)))
    entries.extend(_referral(a, patient_url, when))
    entries.append((_uuid(a, "impression"), _impression(a, patient_url, when, cond_urls)))
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


def _entered_side(case: Case | None, test_id: str) -> str | None:
    """The side given with a single-value finding in the case (`side: left`), if any."""
    entries = case.finding_list(test_id) if case is not None else []
    side = next((e.side for e in entries if e.side in (Side.LEFT, Side.RIGHT, Side.BOTH)), None)
    return str(side) if side else None


def _effective(a: Assessment, issued: str) -> str:
    """The assessment date (FHIR dateTime, date precision) when the case gives one, else `issued`."""
    return a.identity.assessed_on if a.identity is not None and a.identity.assessed_on else issued


def _region_name(kb: Any, region: str) -> str:
    entry = getattr(kb, "regions", {}).get(region) if kb is not None else None
    return str(entry.name) if entry is not None else region.replace("_", " ")


def _patient(a: Assessment, case: Case | None) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "active": True}
    ident = a.identity
    sex = ident.sex if ident is not None else (case.patient.sex if case is not None else None)
    if sex:
        patient["gender"] = sex
    ref = ident.patient_ref if ident is not None else (case.patient.id if case is not None else None)
    if ref:
        patient["identifier"] = [{"system": "https://kinetrace.dev/fhir/patient-ref", "value": ref}]
    if ident is not None and ident.patient_name:
        patient["name"] = [{"text": ident.patient_name}]
    if ident is not None and ident.birth_date:
        patient["birthDate"] = ident.birth_date
    return patient


def _complaint(a: Assessment, subject: str, when: str, kb: Any) -> list[tuple[str, dict[str, Any]]]:
    """Per painful region: a pain-severity Observation (LOINC, with body site and side) and a Condition."""
    out: list[tuple[str, dict[str, Any]]] = []
    for i, pain in enumerate(a.identity.complaint if a.identity is not None else []):
        name = _region_name(kb, pain.region)
        site = _body_site(pain.region, pain.side, name)
        obs_url = _uuid(a, f"pain:{i}")
        severity = [c for c in (_coding("observations", "pain_severity"),) if c]
        location = [c for c in (_coding("observations", "pain_body_site"),) if c]
        out.append((obs_url, {
            "resourceType": "Observation", "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "survey", "display": "Survey"}]}],
            "code": {"coding": [*severity, {"system": CODE_SYSTEM_OBSERVATION, "code": "pain_intensity",
                                            "display": "Pain intensity, 0–10"}], "text": f"Pain intensity, {name}"},
            "subject": {"reference": subject}, "effectiveDateTime": when,
            "valueInteger": pain.intensity, "bodySite": site,
            "component": [{"code": {"coding": [*location, {"system": CODE_SYSTEM_OBSERVATION, "code": "pain_site",
                                                           "display": "Pain body site"}], "text": "Pain body site"},
                           "valueCodeableConcept": site}],
        }))
        notes = [f"Duration {pain.duration_weeks:g} weeks."]
        if pain.aggravating:
            notes.append("Aggravating: " + ", ".join(x.replace("_", " ") for x in pain.aggravating) + ".")
        if pain.easing:
            notes.append("Easing: " + ", ".join(x.replace("_", " ") for x in pain.easing) + ".")
        out.append((_uuid(a, f"complaint:{i}"), {
            "resourceType": "Condition",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                      "code": "problem-list-item", "display": "Problem List Item"}]}],
            "code": {"coding": [{"system": CODE_SYSTEM_OBSERVATION, "code": f"pain:{pain.region}",
                                 "display": f"Pain, {name}"}], "text": f"Pain, {name} ({pain.side})"},
            "bodySite": [site], "subject": {"reference": subject}, "recordedDate": when,
            "evidence": [{"detail": [{"reference": obs_url}]}],
            "note": [{"text": " ".join(notes)}],
        }))
    return out


def _red_flag_answers(case: Case, subject: str, when: str, kb: Any) -> dict[str, Any]:
    """The red-flag screen as a QuestionnaireResponse: one item per question, yes/no as booleans."""
    questions = getattr(kb, "questions", {}) if kb is not None else {}
    items = []
    for qid, answer in case.red_flags.items():
        q = questions.get(qid)
        item: dict[str, Any] = {"linkId": qid, "text": q.text if q is not None else qid.replace("_", " ")}
        item["answer"] = ([{"valueBoolean": answer == "yes"}] if answer in {"yes", "no"}
                          else [{"valueString": "unknown"}])
        items.append(item)
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "subject": {"reference": subject},
            "authored": when, "item": items}


_PRIORITY = {ActionLevel.EMERGENCY_REFERRAL: "stat", ActionLevel.URGENT_REFERRAL: "urgent",
             ActionLevel.ROUTINE_REFERRAL: "routine"}


def _referral(a: Assessment, subject: str, when: str) -> list[tuple[str, dict[str, Any]]]:
    """A Flag (urgent or emergency) and a ServiceRequest (any referral) for the triage outcome."""
    action = a.triage.action
    if not action.is_referral:
        return []
    suspected = "; ".join(dict.fromkeys(f.suspected for f in a.triage.flags)) or a.triage.summary
    whom = "; ".join(dict.fromkeys(f"{f.whom}, {f.how_soon}" for f in a.triage.flags)) or "medical review"
    out: list[tuple[str, dict[str, Any]]] = []
    if action.stops_plan:
        out.append((_uuid(a, "flag"), {
            "resourceType": "Flag", "status": "active",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/flag-category",
                                      "code": "clinical", "display": "Clinical"}]}],
            "code": {"text": f"{action.replace('_', ' ').capitalize()}: {suspected}"},
            "subject": {"reference": subject}, "period": {"start": when},
        }))
    out.append((_uuid(a, "referral"), {
        "resourceType": "ServiceRequest", "status": "active", "intent": "proposal",
        "priority": _PRIORITY[action], "code": {"text": f"Medical review: {whom}"},
        "reasonCode": [{"text": suspected}], "subject": {"reference": subject}, "authoredOn": when,
        "note": [{"text": a.triage.summary}],
    }))
    return out


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
