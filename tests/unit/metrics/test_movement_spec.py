"""The movement-test definitions load, feed real knowledge-base test ids, and reject broken data loudly."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from kinetrace.errors import InputError, KnowledgeError
from kinetrace.metrics.movement.measures import MEASURES
from kinetrace.metrics.movement.spec import load_movement_specs, parse_movement_specs


def _kb_test_ids() -> set[str]:
    text = resources.files("kinetrace.knowledge").joinpath("data/tests.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    entries = data["tests"] if isinstance(data, dict) else data
    return {e["id"] for e in entries}


def test_shipped_movement_tests_load_and_each_has_a_measure_function():
    specs = load_movement_specs()
    assert set(specs.tests) == set(MEASURES)


def test_every_fed_test_id_exists_in_the_knowledge_base():
    known = _kb_test_ids()
    fed = {m.feeds for t in load_movement_specs().tests.values() for m in t.metrics if m.feeds}
    # The brief's twelve ids, all present (contracts.md test-id table).
    assert fed == {
        "single_leg_stance_eyes_open", "single_leg_stance_pelvic_drop", "single_leg_squat_knee_fppa",
        "dynamic_knee_valgus", "squat_heel_lift", "shoulder_flexion_rom", "overhead_reach_lumbar_extension",
        "gait_cadence", "gait_step_time_asymmetry", "gait_contralateral_pelvic_drop", "thoracic_rotation_seated",
        "hip_ir_seated",
    }
    assert fed <= known


def test_every_metric_states_its_error_and_why_it_needs_its_view():
    for test in load_movement_specs().tests.values():
        for metric in test.metrics:
            assert metric.error > 0 and metric.error_basis and metric.view_reason


def test_unknown_test_name_lists_the_known_ones():
    with pytest.raises(InputError, match=r"test: got 'jumping'.*single_leg_stance"):
        load_movement_specs().test("jumping")


def test_broken_entry_is_a_knowledge_error_naming_its_path():
    text = resources.files("kinetrace.metrics").joinpath("data/movement_tests.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["tests"]["gait"]["metrics"][0]["views"] = ["above"]
    del data["tests"]["squat"]["metrics"][1]["threshold"]
    with pytest.raises(KnowledgeError) as err:
        parse_movement_specs(data)
    message = str(err.value)
    assert "tests.gait.metrics.0.views.0" in message
    assert "tests.squat.metrics.1" in message and "threshold" in message


def test_plausible_ranges_sit_inside_the_knowledge_base_valid_range_of_the_test_they_feed():
    text = resources.files("kinetrace.knowledge").joinpath("data/tests.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    ranges = {e["id"]: e.get("valid_range") for e in (data["tests"] if isinstance(data, dict) else data)}
    for test in load_movement_specs().tests.values():
        for metric in test.metrics:
            kb = ranges.get(metric.feeds or "")
            if kb is None:
                continue
            assert metric.plausible is not None, metric.id
            assert kb["min"] <= metric.plausible.min < metric.plausible.max <= kb["max"], metric.id


def test_a_value_outside_the_plausible_range_is_not_measurable_with_the_reason():
    from validation.movement_scenes import single_leg_squat

    from kinetrace.metrics.movement import analyse_movement

    scene = single_leg_squat(valgus=75.0)  # far beyond any real knee
    result = analyse_movement(scene.sequence, scene.test, load_movement_specs(), side="right")
    fppa = next(m for m in result.metrics if m.metric_id == "knee_fppa_deg")
    assert fppa.status == "not_measurable" and "implausible value" in fppa.reason
    assert "single_leg_squat_knee_fppa" not in result.findings(source="video:x.mp4")


def test_the_movement_catalogue_repeats_no_norm():
    # norms live in knowledge/data/tests.yaml; metrics/feeds.py checks that every `feeds` names a KB test
    text = resources.files("kinetrace.metrics").joinpath("data/movement_tests.yaml").read_text(encoding="utf-8")
    assert "age_bands" not in text and "\n        norm:" not in text


def test_video_judges_a_value_as_the_findings_step_does_with_its_error_gate():
    """One value, two surfaces: the movement summary's "below norm" and the assessment's reading agree."""
    from validation.movement_scenes import build_scene

    from kinetrace.assessment import assess
    from kinetrace.intake.load import parse_case
    from kinetrace.knowledge import load_knowledge
    from kinetrace.metrics.movement import analyse_movement

    kb = load_knowledge()
    scene = build_scene("single_leg_stance")  # about 3 s on the left leg
    for age, outside in ((72, True), (None, None)):  # norm 15 s at 70–79 (below beyond its ±2 s); no age, no norm
        stance = next(m for m in analyse_movement(scene.sequence, "single_leg_stance", load_movement_specs(),
                                                  age=age, knowledge=kb).metrics if m.metric_id == "stance_time_s")
        assert stance.is_outside_norm is outside, (age, stance.norm_text)
        if age is None:
            assert stance.norm_needs_age
            continue
        case = {"schema": "kinetrace.case/1", "patient": {"age": age, "sex": "female"}, "pain": [], "red_flags": {},
                "findings": {"single_leg_stance_eyes_open": {"left": round(stance.value or 0, 1), "unit": "s",
                                                             "method": "video", "uncertainty": stance.error}}}
        finding = assess(parse_case(case, source="case"), kb).findings[0]
        primary = next(t for t in finding.targets if t.role == "primary")
        assert (primary.state == "present") == (outside is True), (age, primary)
