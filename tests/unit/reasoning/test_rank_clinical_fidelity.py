"""Specific before generic, one story between ranking and summary, claims conditional on the record (issue 10).

Expectations from clinical.md: §C.2 (non-specific LBP is what is left when radicular, SIJ and hip sources are
absent), §0.2 rule 3 (local before remote, with the reason shown), §G1 (the head-tilt sentence only when recorded).
"""

from __future__ import annotations

from kinetrace import assess, load_knowledge, parse_case
from kinetrace.result import Assessment

LUMBAR = {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no", "fever": "no", "trauma": "no"}


def _assess(pain: dict, findings: dict | None = None, *, age: int = 40) -> Assessment:
    entry = {"region": "lumbar", "intensity": 5, "duration_weeks": 8, **pain}
    return assess(parse_case({"patient": {"age": age}, "red_flags": LUMBAR, "pain": [entry],
                              "findings": findings or {}}), load_knowledge())


def _item(result: Assessment, node: str):  # noqa: ANN202 (test helper)
    return next(i for i in result.ranking if i.id == node)


def test_generic_label_stays_at_its_prior_without_tests() -> None:
    kb = load_knowledge()
    result = _assess({"aggravating": ["bending", "lifting", "twisting", "sitting", "standing"]})
    generic = _item(result, "nonspecific_local_lbp")
    assert generic.probability is not None
    assert generic.probability <= kb.impairments["nonspecific_local_lbp"].prior + 1e-9


def test_generic_label_rises_only_when_specific_sources_are_ruled_out() -> None:
    untested = _item(_assess({"aggravating": ["bending"]}), "nonspecific_local_lbp").probability or 0.0
    ruled_out = _item(_assess({"aggravating": ["bending"]}, {
        "straight_leg_raise": {"left": "negative", "right": "negative"},
        "laslett_sij_cluster": {"count": 0}}), "nonspecific_local_lbp").probability or 0.0
    assert ruled_out > untested


def test_present_radicular_source_outranks_the_generic_label_and_explains_it_away() -> None:
    result = _assess({"aggravating": ["sitting"], "radiation": ["below_knee"]},
                     {"straight_leg_raise": {"left": "positive", "right": "negative"}})
    ranked = [i.id for i in result.ranking]
    assert ranked[0] == "lumbar_radicular_pain"
    assert ranked.index("lumbar_radicular_pain") < ranked.index("nonspecific_local_lbp")
    assert "Explained away" in _item(result, "nonspecific_local_lbp").explanation


def test_hip_joint_picture_beats_hip_flexor_length_in_an_older_adult() -> None:
    result = assess(parse_case({
        "patient": {"age": 68}, "red_flags": LUMBAR,
        "pain": [{"region": "hip", "intensity": 6, "duration_weeks": 30, "aggravating": ["walking"],
                  "radiation": ["groin"]}],
        "findings": {"hip_ir_supine": {"left": 30, "right": 10}, "hip_flexion_rom": {"left": 125, "right": 100},
                     "hip_ir_pain": {"left": "no", "right": "yes"},
                     "modified_thomas_hip_angle": {"left": -5, "right": 12}}}), load_knowledge())
    ranked = [i.id for i in result.ranking]
    assert ranked[0] == "hip_joint_pathology"
    assert "inform_gp_consider_review" in [p.intervention_id for p in result.plan]


def test_a_remote_item_kept_below_a_local_source_says_why() -> None:
    # rotation-provoked LBP but hip IR never measured: not present, so it may not stand first (§0.2 rule 3a)
    result = _assess({"aggravating": ["golf swing", "twisting", "serving"]})
    first = result.ranking[0]
    assert first.kind == "local"
    for item in result.ranking[1:]:
        if item.kind == "remote" and (item.probability or 0) > (first.probability or 0):
            assert "Local sources are examined first" in item.explanation


def test_summary_names_a_present_remote_contributor_whose_behaviour_fits() -> None:
    result = _assess({"aggravating": ["golf swing"]}, {"thoracic_rotation_seated": {"left": 28, "right": 30}})
    assert not result.remote_summary.startswith("No remote contributor stands out")
    assert "Limited thoracic rotation" in result.remote_summary


def test_head_tilt_sentence_only_when_a_head_tilt_was_recorded() -> None:
    without = _assess({"aggravating": ["standing"]})
    with_tilt = _assess({"aggravating": ["standing"]}, {"frontal_head_tilt": {"value": 8, "side": "left"}})
    text = "A head tilt has been recorded"
    assert all(text not in c.statement for c in without.claims_you_may_have_heard)
    assert any(text in c.statement for c in with_tilt.claims_you_may_have_heard)


def test_knee_pain_gets_a_scope_layer_never_an_empty_plan() -> None:
    result = assess(parse_case({"patient": {"age": 30}, "pain": [{"region": "knee", "intensity": 4,
                                                                  "duration_weeks": 3}]}), load_knowledge())
    plan = [p.intervention_id for p in result.plan]
    assert "knee_ankle_assess_locally" in plan
    assert any("outside Kinetrace's scope" in p.name.lower() or "scope" in p.name.lower() for p in result.plan)
