"""The assessment workflow behind the wizard and the API: form input → case dict → `assess` → stored snapshot.

This module translates and calls the façade; every clinical decision (triage, findings, ranking, plan) is made by
`kinetrace.assessment.assess`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kinetrace.errors import InputError
from kinetrace.intake.case import CASE_SCHEMA
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.result import Assessment
from kinetrace.storage import MediaRecord, PatientRecord
from kinetrace.web.bodymap import AREAS, pain_side

__all__ = [
    "TestLayout",
    "age_from_form",
    "carried_findings",
    "check_carried",
    "check_case",
    "findings_from_form",
    "lay_out_tests",
    "counts_in_assessment",
    "merge_media_findings",
    "new_case",
    "pain_from_form",
    "red_flags_from_form",
    "run_assessment",
    "snapshot",
]


def new_case(patient: PatientRecord, *, this_year: int) -> dict[str, Any]:
    """Return the starting case of a new assessment, with the patient's age and sex (no name).

    Without a birth year the case has no age: the pain step asks for it, because the age-based red-flag rules
    need a real age and must never run on an assumed one.
    """
    facts: dict[str, Any] = {"sex": patient.sex, "id": f"P{patient.id}"}
    if patient.birth_year:
        facts["age"] = max(0, this_year - patient.birth_year)
    return {
        "schema": CASE_SCHEMA,
        "patient": facts,
        "pain": [],
        "red_flags": {},
        "findings": {},
    }


def age_from_form(form: Mapping[str, Any], patient: Mapping[str, Any]) -> dict[str, Any]:
    """Return the case's patient facts with the age from the form; a missing age is asked for, never assumed."""
    facts = dict(patient)
    raw = str(form.get("age", "") or "").strip()
    if raw:
        if not raw.isdigit() or int(raw) > 120:
            raise InputError("age", raw, "a whole number of years from 0 to 120")
        facts["age"] = int(raw)
    if "age" not in facts:
        raise InputError("age", None, "the patient's age in years (the red-flag rules depend on it)")
    return facts


def with_identity(
    case_data: dict[str, Any], patient: PatientRecord, *, assessor: str | None, clinic: str | None, on: str
) -> dict[str, Any]:
    """Return the case with the visit (date `on`, assessor, clinic) and the patient's name and reference (case/2).

    Values already in the case are kept; reports and exports show these instead of "unnamed case".
    """
    visit = {"date": on, **({"assessor": assessor} if assessor else {}), **({"clinic": clinic} if clinic else {})}
    person = {**case_data.get("patient", {})}
    person.setdefault("name", patient.display_name)
    if patient.reference and str(person.get("id", "")).startswith("P"):
        person["id"] = patient.reference
    return {**case_data, "schema": CASE_SCHEMA, "assessment": case_data.get("assessment") or visit, "patient": person}


def _int(form: Mapping[str, Any], key: str, *, default: int | None = None, low: int, high: int) -> int | None:
    raw = str(form.get(key, "") or "").strip()
    if not raw:
        return default
    try:
        value = int(float(raw))
    except ValueError:
        raise InputError(key, raw, f"a whole number from {low} to {high}") from None
    if not low <= value <= high:
        raise InputError(key, value, f"a whole number from {low} to {high}")
    return value


def pain_from_form(form: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return pain entries from the body-map ticks and each region's intensity, weeks and radiation."""
    sides: dict[str, set[str]] = {}
    for area in AREAS:
        if form.get(area.key):
            sides.setdefault(area.region, set()).add(area.side)
    entries = []
    for region, ticked in sides.items():
        intensity = _int(form, f"intensity__{region}", default=5, low=0, high=10)
        weeks = _int(form, f"weeks__{region}", default=6, low=0, high=5200)
        entry: dict[str, Any] = {
            "region": region,
            "side": pain_side(ticked),
            "intensity": intensity,
            "duration_weeks": weeks,
        }
        for field in ("aggravating", "easing"):
            text = str(form.get(f"{field}__{region}", "") or "").strip()
            if text:
                entry[field] = [t.strip() for t in text.split(",") if t.strip()]
        entries.append(entry)
    return entries


def red_flags_from_form(form: Mapping[str, Any], question_ids: Iterable[str]) -> dict[str, str]:
    """Return {question id: yes/no/unknown} for the answered red-flag questions."""
    answers = {}
    for qid in question_ids:
        value = str(form.get(f"rf__{qid}", "") or "")
        if value in ("yes", "no", "unknown"):
            answers[qid] = value
    return answers


def _number(raw: str, key: str) -> float:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        raise InputError(key, raw, "a number") from None


def _finding(test: Any, form: Mapping[str, Any]) -> dict[str, Any] | None:
    key = f"t__{test.id}"

    def get(part: str) -> str:
        return str(form.get(f"{key}__{part}", "") or "").strip()

    entry: dict[str, Any] = {}
    if test.kind == "numeric" and test.bilateral:
        for side in ("left", "right"):
            if get(side):
                entry[side] = _number(get(side), f"{key}__{side}")
    elif test.kind == "numeric" and get("value"):
        entry["value"] = _number(get("value"), f"{key}__value")
        if get("side"):
            entry["side"] = get("side")
    elif test.kind == "count" and get("value"):
        entry["count"] = int(_number(get("value"), f"{key}__value"))
    elif test.kind == "categorical" and test.bilateral:
        entry.update({side: get(side) for side in ("left", "right") if get(side)})
    elif test.kind == "categorical" and get("value"):
        entry["category"] = get("value")
    elif test.kind == "yes_no" and test.bilateral:
        entry.update({side: get(side) for side in ("left", "right") if get(side)})
    elif test.kind == "yes_no" and get("value"):
        entry["answer"] = get("value")
    if not entry:
        return None
    if test.unit != "none":
        entry["unit"] = test.unit
    entry["method"] = "manual"
    return entry


def findings_from_form(form: Mapping[str, Any], kb: KnowledgeBase) -> dict[str, Any]:
    """Return {test id: entry} for every test the clinician filled in (blank means not tested)."""
    findings = {}
    for test in kb.tests.values():
        entry = _finding(test, form)
        if entry is not None:
            findings[test.id] = entry
    return findings


def counts_in_assessment(media: MediaRecord) -> bool:
    """Whether an upload's findings enter the assessment: analysed, and either its landmarks reviewed by the
    clinician (photo proxies) or a multi-camera 3-D capture (a measurement: no landmarks to review)."""
    return media.status == "done" and (media.reviewed_at is not None or media.kind == "capture")


def merge_media_findings(case: dict[str, Any], media: Iterable[MediaRecord]) -> dict[str, Any]:
    """Return the case with each analysed photo's findings added beside those entered (`intake.merge`)."""
    from kinetrace.intake.merge import merge_findings

    for item in media:
        case = merge_findings(case, item.findings or {})
    return case


def run_assessment(case_data: dict[str, Any], kb: KnowledgeBase, *, profile: str) -> Assessment:
    """Parse the case (InputError names the field) and return the façade's `Assessment`."""
    from kinetrace.assessment import assess
    from kinetrace.intake import parse_case

    case = parse_case(case_data, source="case")
    return assess(case, kb, profile=profile, uncertainty=True)


def check_case(case_data: dict[str, Any], kb: KnowledgeBase) -> None:
    """Raise InputError (naming each field) when the case does not parse or does not fit the knowledge base."""
    from kinetrace.intake import parse_case, validate_case

    validate_case(parse_case(case_data, source="case"), kb, source="case")


def snapshot(result: Assessment) -> dict[str, Any]:
    """Return the stored JSON form of a result (the contract's `model_dump(mode="json", by_alias=True)`)."""
    return result.model_dump(mode="json", by_alias=True)


@dataclass(frozen=True)
class TestLayout:
    """The tests step's order: the tests that matter most first (the next best test at the top), then every
    region's remaining tests with the painful regions first."""

    first: list[Any]
    regions: list[tuple[str, list[Any]]]
    next_test_id: str | None


_FIRST_TESTS = 8


def lay_out_tests(kb: KnowledgeBase, case_data: dict[str, Any], result: dict[str, Any] | None) -> TestLayout:
    """Order the tests by the painful regions and by what the draft's ranking says would tell most."""
    pain_regions = [str(p.get("region")) for p in case_data.get("pain", [])]
    next_test_id = str(((result or {}).get("next_test") or {}).get("test_id") or "") or None
    ranked = [str(item["id"]) for item in (result or {}).get("ranking", [])]
    rank_of = {item_id: i for i, item_id in enumerate(ranked)}

    def priority(test: Any) -> tuple[int, int]:
        if test.id == next_test_id:
            return (0, 0)
        informed = [rank_of[rule.target] for rule in test.informs if rule.target in rank_of]
        return (1, min(informed)) if informed else (2 if test.region in pain_regions else 3, 0)

    ordered = sorted(kb.tests.values(), key=priority)
    first = [t for t in ordered if priority(t)[0] < 2][:_FIRST_TESTS]
    chosen = {t.id for t in first}
    region_ids = sorted(kb.regions, key=lambda r: (r not in pain_regions, list(kb.regions).index(r)))
    regions = []
    for region_id in region_ids:
        tests = [t for t in kb.tests.values() if t.region == region_id and t.id not in chosen]
        if tests:
            regions.append((region_id, tests))
    return TestLayout(first=first, regions=regions, next_test_id=next_test_id)


def carried_findings(previous: dict[str, Any] | None) -> dict[str, Any]:
    """Return the previous visit's hand-entered findings, to start a reassessment from (marked as carried)."""
    carried = {}
    for test_id, entry in ((previous or {}).get("findings") or {}).items():
        if isinstance(entry, dict) and "photo" not in str(entry.get("method") or "photo"):
            carried[test_id] = entry
    return carried


def check_carried(form: Mapping[str, Any], findings: dict[str, Any], carried: dict[str, Any]) -> None:
    """Raise InputError for a value carried from the previous visit that was neither confirmed nor changed."""
    for test_id, before in carried.items():
        now = findings.get(test_id)
        if now is None or form.get(f"confirm__{test_id}") == "yes":
            continue
        same = all(now.get(k) == before.get(k) for k in ("left", "right", "value", "count", "category", "answer"))
        if same:
            raise InputError(
                f"confirm__{test_id}",
                None,
                "today's value, or the previous visit's value confirmed with its tick (or the field cleared)",
            )
