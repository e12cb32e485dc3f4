"""Each movement test checks that the clip shows that movement before reading any metric (issue 9, item 6).

Every synthetic scene passes its own test's check (test_movement.py measures them); here each one run as another
test is refused with one line naming the check, its value and the expected bound, and the bounds are data.
"""

from __future__ import annotations

import re

import pytest
from validation.movement_scenes import SCENES, build_scene

from kinetrace.errors import MediaError
from kinetrace.metrics.movement import analyse_movement
from kinetrace.metrics.movement.spec import MovementSpecs, load_movement_specs

SPECS = load_movement_specs()
LINE = r"the clip does not show the test \(.+\): .+ -?[0-9.]+.*, expected at (least|most) [0-9.]+"


@pytest.mark.parametrize(("scene", "test", "check"), [
    ("gait_side", "squat", "sideways travel of the hips"),
    ("gait_side", "overhead_reach", "sideways travel of the hips"),
    ("gait_side", "seated_hip_ir", "knee drop below the hip"),
    ("single_leg_stance", "squat", "one foot lifted for"),
    ("single_leg_squat", "squat", "one foot lifted for"),
    ("squat_side", "single_leg_squat", "longest time on one foot"),
    ("squat_front", "seated_trunk_rotation", "knee drop below the hip"),
    ("overhead_reach", "squat", "knee-flexion excursion"),
    ("seated_hip_ir", "squat", "one foot lifted for"),
    ("seated_trunk_rotation", "squat", "hip descent and return"),
    ("overhead_reach", "gait", "forward travel of the hips"),
    ("seated_hip_ir", "overhead_reach", "highest wrist above the nose"),
    ("squat_front", "gait", r"steps 0 \(left 0, right 0\), expected at least 3"),
    ("single_leg_stance", "overhead_reach", "highest wrist above the nose"),
])
def test_a_clip_of_another_movement_is_refused_naming_the_check_value_and_bound(scene, test, check):
    clip = build_scene(scene)
    with pytest.raises(MediaError) as refused:
        analyse_movement(clip.sequence, test, SPECS)
    message = str(refused.value)
    assert "\n" not in message
    assert re.search(check, message) and re.search(LINE, message), message


@pytest.mark.parametrize("name", sorted(SCENES))
def test_every_synthetic_scene_shows_its_own_test(name):
    scene = build_scene(name)
    result = analyse_movement(scene.sequence, scene.test, SPECS, side=scene.side)
    assert any(m.status == "measured" for m in result.metrics)


def _with(specs: MovementSpecs, test: str, **detection: float) -> MovementSpecs:
    spec = specs.tests[test]
    changed = spec.model_copy(update={"detection": {**spec.detection, **detection}})
    return specs.model_copy(update={"tests": {**specs.tests, test: changed}})


def test_the_bounds_are_data_in_the_movement_catalogue():
    walk = build_scene("gait_side").sequence
    with pytest.raises(MediaError, match="sideways travel"):
        analyse_movement(walk, "overhead_reach", SPECS)
    loose = _with(SPECS, "overhead_reach", max_travel_leg=100.0)
    with pytest.raises(MediaError, match="highest wrist above the nose"):  # the next check now speaks
        analyse_movement(walk, "overhead_reach", loose)
    strict = _with(SPECS, "squat", min_knee_excursion_deg=170.0)
    with pytest.raises(MediaError, match="knee-flexion excursion .*expected at least 170°"):
        analyse_movement(build_scene("squat_side").sequence, "squat", strict)


def test_every_test_but_the_stance_has_its_check_bounds_in_the_catalogue():
    needed = {"squat": {"max_travel_leg", "max_lift_s", "min_knee_excursion_deg", "min_depth_share"},
              "single_leg_squat": {"max_travel_leg", "min_lift_s", "min_depth_share"},
              "overhead_reach": {"max_travel_leg", "min_wrist_above_nose_leg", "min_rise_deg"},
              "gait": {"min_travel_leg", "min_steps"},
              "seated_trunk_rotation": {"max_thigh_drop_share", "max_travel_leg"},
              "seated_hip_ir": {"max_thigh_drop_share", "max_travel_leg"}}
    for test, keys in needed.items():
        assert keys <= set(SPECS.tests[test].detection), test
