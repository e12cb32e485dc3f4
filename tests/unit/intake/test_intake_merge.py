"""The one merge of measured findings into a case, and the findings step's proxy rules (pure, no media)."""

from __future__ import annotations

from typing import Any

import pytest

from kinetrace.assessment import assess
from kinetrace.intake.load import parse_case
from kinetrace.intake.merge import add_photo_spread, mark_confirmed, merge_findings, unreviewed_tests
from kinetrace.knowledge import load_knowledge


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def _case(findings: dict[str, Any]) -> dict[str, Any]:
    return {"schema": "kinetrace.case/1", "patient": {"age": 40, "sex": "female"},
            "pain": [{"region": "lumbar", "side": "bilateral", "intensity": 5, "duration_weeks": 10}],
            "red_flags": {}, "findings": findings}


HAND = {"value": 1.0, "side": "left", "unit": "deg", "method": "palpation_meter"}
PHOTO = {"value": 9.0, "side": "left", "unit": "deg", "method": "back_photo", "source": "photo:b.jpg"}


def test_merge_adds_after_the_entered_entry_and_never_replaces_it():
    merged = merge_findings(_case({"pelvic_obliquity_angle": HAND}), {"pelvic_obliquity_angle": PHOTO},
                            source="1 photo(s)")
    entries = merged["findings"]["pelvic_obliquity_angle"]
    assert entries[0] == HAND and entries[1]["value"] == 9.0 and entries[1]["photos"] == 1
    assert merged["notes"].endswith("findings merged from 1 photo(s)")


def test_merge_of_a_new_test_keeps_one_entry_and_bad_findings_come_back_unchanged():
    merged = merge_findings(_case({}), {"pelvic_obliquity_angle": [PHOTO]})
    assert merged["findings"]["pelvic_obliquity_angle"]["source"] == "photo:b.jpg"
    odd = {**_case({}), "findings": ["not", "a", "mapping"]}
    assert merge_findings(odd, {"x": PHOTO}) == odd


def test_confirmed_mark_and_unreviewed_tests():
    marked = mark_confirmed({"pelvic_obliquity_angle": PHOTO, "hip_ir_prone": {"left": 30}}, {"b.jpg"})
    assert marked["pelvic_obliquity_angle"]["confirmed"] is True and "confirmed" not in marked["hip_ir_prone"]
    assert unreviewed_tests(marked) == ()
    assert unreviewed_tests(mark_confirmed({"pelvic_obliquity_angle": PHOTO}, set())) == ("pelvic_obliquity_angle",)


def test_photo_spread_is_the_largest_range_of_any_side():
    two = {**PHOTO, "source": "photo:a.jpg, photo:b.jpg"}
    out = add_photo_spread({"pelvic_obliquity_angle": two}, [("pelvic_obliquity_angle", [6.7, 7.6]),
                                                            ("pelvic_obliquity_angle", [1.0, 1.2])])
    assert out["pelvic_obliquity_angle"]["spread"] == pytest.approx(0.9)


def _result(kb, findings: dict[str, Any]):
    return assess(parse_case(_case(findings), source="case"), kb)


def _finding(result, test_id: str):
    return next(f for f in result.findings if f.test_id == test_id)


def _states(result) -> dict[str, str]:
    return {s.id: s.state for s in result.impairments}


def test_hand_value_outranks_a_more_valid_ranked_photo(kb):
    # an unspecified hand method used to lose to back_photo (validity rank 2 over "unspecified")
    hand = {"value": 1.0, "side": "left", "unit": "deg"}
    result = _result(kb, {"pelvic_obliquity_angle": [hand, {**PHOTO, "photos": 2, "spread": 0.2}]})
    f = _finding(result, "pelvic_obliquity_angle")
    assert f.value == 1.0 and f.discarded[0]["value"] == "value 9"
    assert _states(result) == _states(_result(kb, {"pelvic_obliquity_angle": hand}))


def test_flagged_and_single_photo_entries_never_change_statuses(kb):
    base = _states(_result(kb, {}))
    flagged = {**PHOTO, "photos": 3, "spread": 0.1, "review": "needs_review"}
    r = _result(kb, {"pelvic_obliquity_angle": flagged})
    assert _finding(r, "pelvic_obliquity_angle").evidence == "needs_review" and _states(r) == base
    r = _result(kb, {"pelvic_obliquity_angle": PHOTO})
    assert _finding(r, "pelvic_obliquity_angle").evidence == "to_confirm" and _states(r) == base
    two_unknown = {**PHOTO, "source": "photo:a.jpg, photo:b.jpg"}
    r = _result(kb, merge_findings(_case({}), {"pelvic_obliquity_angle": two_unknown})["findings"])
    assert "agreement was not reported" in (_finding(r, "pelvic_obliquity_angle").evidence_note or "")


def test_two_agreeing_photos_count_and_not_validated_caps_at_possible(kb):
    agreed = {**PHOTO, "photos": 2, "spread": 0.5}
    assert _states(_result(kb, {"pelvic_obliquity_angle": agreed}))["pelvic_obliquity"] == "present"
    capped = _result(kb, {"pelvic_obliquity_angle": {**agreed, "validated": False}})
    assert _states(capped)["pelvic_obliquity"] == "possible"
    assert _finding(capped, "pelvic_obliquity_angle").evidence_note.startswith("not validated")


def test_a_video_finding_with_a_design_default_error_counts_as_possible_at_most(kb):
    # a movement metric's ± comes from movement_tests.yaml, not from validation, so its finding says
    # validated: false; the same 9° without that flag reads present
    video = {"value": 9.0, "side": "left", "unit": "deg", "method": "video", "source": "video:walk.mp4"}
    assert _states(_result(kb, {"pelvic_obliquity_angle": video}))["pelvic_obliquity"] == "present"
    capped = _result(kb, {"pelvic_obliquity_angle": {**video, "validated": False}})
    assert _states(capped)["pelvic_obliquity"] == "possible"
    assert _finding(capped, "pelvic_obliquity_angle").evidence_note.startswith("not validated")
