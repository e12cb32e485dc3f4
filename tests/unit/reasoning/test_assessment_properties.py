"""Invariants of the whole assessment: probabilities, monotone evidence, stable rankings, exact export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinetrace import assess, load_case, load_knowledge, parse_case
from kinetrace.assessment import case_evidence
from kinetrace.demo_cases import example_paths
from kinetrace.reasoning.inference import posteriors

KB = load_knowledge()
CASES = {p.stem: load_case(p) for p in example_paths()}
# tests with a numeric threshold rule on a remote impairment, with a clearly normal value on both sides
NORMAL_VALUES = {"hip_ir_prone": 45.0, "thoracic_rotation_seated": 58.0, "shoulder_flexion_rom": 180.0,
                 "weight_bearing_lunge": 14.0, "modified_thomas_hip_angle": -15.0, "cervical_flexion_rotation": 45.0}


def _with_finding(case_name: str, test_id: str, entry: dict) -> object:
    data = CASES[case_name].model_dump(mode="json", by_alias=True, exclude_none=True)
    data["findings"] = {k: v for k, v in data.get("findings", {}).items() if k != test_id}
    data["findings"][test_id] = entry
    return parse_case(data)


def _probabilities(case: object) -> dict[str, float]:
    ev = case_evidence(case, KB)  # type: ignore[arg-type]
    return posteriors(ev.network, ev.observations, ev.likelihoods)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(CASES)), st.sampled_from(sorted(NORMAL_VALUES)))
def test_adding_a_normal_finding_never_raises_the_impairment_it_informs(case_name: str, test_id: str):
    test = KB.tests[test_id]
    base = CASES[case_name]
    if test_id in base.findings:
        return
    before = _probabilities(base)
    value = NORMAL_VALUES[test_id]
    after = _probabilities(_with_finding(case_name, test_id, {"left": value, "right": value, "unit": test.unit}))
    for rule in test.informs:
        assert after[rule.target] <= before[rule.target] + 1e-12, (rule.target, before[rule.target],
                                                                    after[rule.target])


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_probability_is_a_probability(name: str):
    for profile in ("evidence", "seed"):
        result = assess(CASES[name], KB, profile=profile)
        for item in result.ranking:
            assert item.probability is None or 0.0 <= item.probability <= 1.0
        assert result.profile == profile


def test_ranking_is_stable_when_irrelevant_evidence_is_added():
    # a normal foot posture index says nothing about hip rotation: the top of the demo ranking stays put
    before = assess(CASES["demo"], KB)
    after = assess(_with_finding("demo", "foot_posture_index", {"left": 3, "right": 3, "unit": "points"}), KB)
    assert [i.id for i in after.ranking[:2]] == [i.id for i in before.ranking[:2]]


def test_an_emergency_case_never_gets_a_plan_under_either_profile():
    for profile in ("evidence", "seed"):
        result = assess(CASES["red_flag_cauda_equina"], KB, profile=profile)
        assert result.plan == [] and result.triage.plan_suppressed
        assert all(i.kind == "red_flag" for i in result.ranking)


def test_exported_network_opens_in_pgmpy(tmp_path: Path):
    from pgmpy.readwrite import XMLBIFReader

    out = tmp_path / "kinetrace.xml"
    proc = subprocess.run([sys.executable, "-m", "kinetrace", "kb", "export", "--format", "xmlbif", "-o", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    model = XMLBIFReader(str(out)).get_model()
    assert model.check_model()
    assert "limited_hip_ir" in model.nodes() and "pain__lumbar" in model.nodes()
