"""The movement-test definitions load, feed real knowledge-base test ids, and reject broken data loudly."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from kinetrace.errors import InputError, KnowledgeError
from kinetrace.metrics.movement_measures import MEASURES
from kinetrace.metrics.movement_spec import load_movement_specs, parse_movement_specs


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
