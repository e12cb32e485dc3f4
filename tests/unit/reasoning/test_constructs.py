"""Constructs, not tests (issue 10): one construct measured several ways counts once in the reasoning."""

from __future__ import annotations

import pytest

from kinetrace import assess, load_case, load_knowledge, parse_case
from kinetrace.assessment import case_evidence
from kinetrace.demo_cases import example_paths

KB = load_knowledge()
HIP_IR = {"left": 37, "right": 19, "unit": "deg", "method": "goniometer"}


def _demo_with(findings: dict) -> object:
    demo = next(p for p in example_paths() if p.stem == "demo")
    data = load_case(demo).model_dump(mode="json", by_alias=True, exclude_none=True)
    data["findings"] = {k: v for k, v in data["findings"].items() if not k.startswith("hip_ir")} | findings
    return parse_case(data)


def _probabilities(case: object) -> dict[str, float]:
    result = assess(case, KB)  # type: ignore[arg-type]
    return {i.id: i.probability for i in result.ranking if i.probability is not None}


def test_same_hip_ir_values_in_three_positions_give_the_posterior_of_one_position():
    one = _probabilities(_demo_with({"hip_ir_prone": HIP_IR}))
    three = _probabilities(_demo_with({"hip_ir_prone": HIP_IR, "hip_ir_seated": HIP_IR, "hip_ir_supine": HIP_IR}))
    assert one.keys() == three.keys()
    for node, p in one.items():
        assert three[node] == pytest.approx(p, abs=1e-12), node


def test_the_more_valid_position_wins_and_a_disagreement_is_shown():
    # seated 45° both sides is normal; prone 19° right is abnormal beyond the 5° gate: prone (rank 1) is used
    case = _demo_with({"hip_ir_prone": HIP_IR, "hip_ir_seated": {"left": 45, "right": 45, "unit": "deg"}})
    both = [lk for lk in case_evidence(case, KB).likelihoods if lk.node == "limited_hip_ir"]  # type: ignore[arg-type]
    prone = [lk for lk in case_evidence(_demo_with({"hip_ir_prone": HIP_IR}), KB).likelihoods  # type: ignore[arg-type]
             if lk.node == "limited_hip_ir"]
    untested = [lk for lk in case_evidence(_demo_with({}), KB).likelihoods  # type: ignore[arg-type]
                if lk.node == "limited_hip_ir"]  # other evidence on it (history.rotation_sport) stays the same
    assert both == prone and len(prone) == len(untested) + 1
    result = assess(case, KB)  # type: ignore[arg-type]
    assert any("hip_internal_rotation → limited_hip_ir" in w and "disagree" in w for w in result.warnings)


def test_hip_ir_tests_share_one_construct_with_distinct_ranks():
    groups = {t: KB.tests[t].construct_group for t in ("hip_ir_prone", "hip_ir_seated", "hip_ir_supine")}
    assert {g.id for g in groups.values() if g} == {"hip_internal_rotation"}
    assert sorted(g.validity_rank for g in groups.values() if g) == [1, 2, 3]
