"""Movement tests on synthetic clips with known answers: events, metrics, view refusals and case findings.

Each expected value is the angle (or time) the synthetic skeleton was posed through (movement_scenes), so the
pipeline's swap correction, gap filling, filtering, event detection and geometry are checked end to end.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from validation.movement_scenes import SCENES, build_scene, with_swaps

from kinetrace.errors import MediaError
from kinetrace.intake.case import FindingInput
from kinetrace.metrics.movement import analyse_movement, metric_table
from kinetrace.metrics.movement.spec import View, load_movement_specs

SPECS = load_movement_specs()
# Tolerances: two frames of timing at 30 fps, and a degree or two of Butterworth rounding at sharp turns.
TOLERANCE = {"s": 0.1, "deg": 1.5, "percent": 1.0, "steps_per_min": 2.0}


def _run(name: str, **kwargs):
    scene = build_scene(name)
    return scene, analyse_movement(scene.sequence, scene.test, SPECS, side=scene.side, **kwargs)


@pytest.mark.parametrize("name", sorted(SCENES))
def test_synthetic_scene_recovers_the_posed_values(name):
    scene, result = _run(name)
    assert result.view == View(scene.view)
    got = {(m.metric_id, m.side): m for m in result.metrics}
    views = {m.id: m.views for m in SPECS.test(scene.test).metrics}
    for key, truth in scene.truth.items():
        metric = got[key]
        if result.view not in views[key[0]]:
            assert metric.status == "not_measurable" and "view" in metric.reason
            continue
        assert metric.status == "measured", metric.reason
        assert metric.value == pytest.approx(truth, abs=TOLERANCE[metric.unit]), key


def test_single_leg_stance_finds_foot_off_and_touch_down_and_the_stance_side():
    scene = build_scene("single_leg_stance")
    result = analyse_movement(scene.sequence, "single_leg_stance", SPECS)  # side found from the lifted foot
    assert result.side == "left"
    events = {e.name: e.time_s for e in result.events}
    assert events["foot_off"] == pytest.approx(1.0, abs=0.07)
    assert events["touch_down"] == pytest.approx(4.0, abs=0.07)


def test_metric_needing_another_view_is_refused_with_the_reason():
    _, result = _run("squat_front")
    depth = next(m for m in result.metrics if m.metric_id == "depth_knee_flexion_deg")
    assert depth.status == "not_measurable" and depth.value is None
    assert "needs a side view" in depth.reason and "this clip is a front view" in depth.reason


def test_a_forced_wrong_view_refuses_every_metric_that_needs_the_other_one():
    scene = build_scene("overhead_reach")
    result = analyse_movement(scene.sequence, "overhead_reach", SPECS, view=View.FRONT)
    assert all(m.status == "not_measurable" for m in result.metrics)
    assert "filmed from the side" in result.warnings[0]


def test_heel_lift_and_knee_valgus_answers_follow_their_thresholds():
    _, side = _run("squat_side")
    _, front = _run("squat_front")
    heel = next(m for m in side.metrics if m.metric_id == "heel_lift")
    valgus = {m.side: m.answer for m in front.metrics if m.metric_id == "dynamic_knee_valgus"}
    assert heel.answer is True  # 21 % of foot length > 8 %
    assert valgus == {"left": True, "right": False}  # 12° vs 0° against 10°


def test_swaps_in_the_clip_are_corrected_counted_and_do_not_change_the_answer():
    scene = build_scene("gait_side")
    result = analyse_movement(with_swaps(scene.sequence, range(30, 45)), "gait", SPECS)
    assert result.swaps.frames_corrected == 15
    assert any("swaps corrected in 15 frame" in w for w in result.warnings)
    cadence = next(m for m in result.metrics if m.metric_id == "cadence_steps_per_min")
    assert cadence.value == pytest.approx(scene.truth[("cadence_steps_per_min", "none")], abs=2.0)


def test_single_leg_stance_below_the_age_norm_is_marked():
    scene = build_scene("single_leg_stance")
    result = analyse_movement(scene.sequence, "single_leg_stance", SPECS, age=72)
    stance = next(m for m in result.metrics if m.metric_id == "stance_time_s")
    assert stance.norm_value == 15  # Springer 2007, 70–79 years (clinical.md B22)
    assert stance.is_outside_norm is True


def test_findings_use_the_case_format_and_validate_as_case_entries():
    _, result = _run("gait_front")
    findings = result.findings(source="video:walk.mp4")
    assert findings["gait_cadence"]["unit"] == "count" and "value" in findings["gait_cadence"]
    assert set(findings["gait_contralateral_pelvic_drop"]) >= {"left", "right", "uncertainty", "method", "source"}
    for entry in findings.values():
        FindingInput.model_validate(entry)
    assert "knee_flexion_range_deg" not in findings  # not a knowledge-base test, and not measurable from the front


def test_yes_no_findings_are_answers_or_per_side_words():
    _, side = _run("squat_side")
    _, front = _run("squat_front")
    assert side.findings(source="video:s.mp4")["squat_heel_lift"]["answer"] == "yes"
    valgus = front.findings(source="video:f.mp4")["dynamic_knee_valgus"]
    assert {k: v for k, v in valgus.items() if k != "note"} == {
        "left": "yes", "right": "no", "method": "video", "source": "video:f.mp4", "validated": False}
    # the analysis' warnings travel with the finding (issue 9: not only on stderr)
    assert valgus["note"].startswith("squat, front view; warnings: dynamic_knee_valgus (left)")


def test_metric_rows_never_hold_nan():
    _, result = _run("squat_front")
    for row in metric_table(result.metrics):
        assert row["value"] is None or row["value"] == row["value"]


def test_no_movement_gives_reasons_not_numbers():
    scene = build_scene("single_leg_stance")  # its first second: standing still on both feet
    still = type(scene.sequence)(scene.sequence.frames[:25], scene.sequence.fps)
    result = analyse_movement(still, "single_leg_stance", SPECS)
    assert all(m.status == "not_measurable" and m.reason for m in result.metrics)


def test_a_still_seated_clip_run_as_a_squat_is_refused_not_measured():
    # Issue 9: this used to return reasons only; a clip of another movement is now refused (test_movement_shows.py).
    scene = build_scene("seated_hip_ir")
    still = type(scene.sequence)(scene.sequence.frames[:10], scene.sequence.fps)
    with pytest.raises(MediaError, match="does not show the test"):
        analyse_movement(still, "squat", SPECS)


def _mirrored(seq):
    """The clip seen in a mirror: x flipped and every left/right label exchanged (the person's other side)."""
    frames = []
    for f in seq.frames:
        flipped = {}
        for name, lm in f.landmarks.items():
            other = name.replace("left", "@").replace("right", "left").replace("@", "right")
            flipped[other] = replace(lm, x_norm=1.0 - lm.x_norm)
        frames.append(replace(f, landmarks=flipped))
    return replace(seq, frames=tuple(frames))


@pytest.mark.parametrize("name", ["single_leg_squat", "single_leg_stance", "seated_trunk_rotation"])
def test_mirroring_the_clip_swaps_the_sides_and_keeps_the_values(name):
    scene = build_scene(name)
    original = analyse_movement(scene.sequence, scene.test, SPECS)
    mirror = analyse_movement(_mirrored(scene.sequence), scene.test, SPECS)
    other = {"left": "right", "right": "left"}
    got = {(m.metric_id, m.side): m.value for m in mirror.metrics}
    for m in original.metrics:
        if m.value is not None:
            assert got[(m.metric_id, other.get(m.side, m.side))] == pytest.approx(m.value, abs=1e-6), m.metric_id


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(0.4, 1.0), dx=st.floats(-0.2, 0.2))
def test_angles_do_not_depend_on_where_the_person_stands_or_how_big_they_look(scale, dx):
    scene = build_scene("single_leg_squat")
    moved = replace(scene.sequence, frames=tuple(
        replace(f, landmarks={n: replace(lm, x_norm=0.5 + (lm.x_norm - 0.5) * scale + dx,
                                         y_norm=0.5 + (lm.y_norm - 0.5) * scale) for n, lm in f.landmarks.items()})
        for f in scene.sequence.frames))
    a = {(m.metric_id, m.side): m.value for m in analyse_movement(scene.sequence, scene.test, SPECS).metrics}
    b = {(m.metric_id, m.side): m.value for m in analyse_movement(moved, scene.test, SPECS).metrics}
    for key, value in a.items():
        assert b[key] == pytest.approx(value, abs=1e-6), key


def test_the_wrong_side_given_gets_a_hint_to_the_other_one():
    scene = build_scene("single_leg_stance")  # stands on the left leg
    result = analyse_movement(scene.sequence, "single_leg_stance", SPECS, side="right")
    stance = next(m for m in result.metrics if m.metric_id == "stance_time_s")
    assert stance.status == "not_measurable" and "use --side left" in stance.reason


def test_a_stance_without_a_double_leg_phase_first_is_refused():
    scene = build_scene("single_leg_stance")
    first_lift = next(e.frame for e in analyse_movement(scene.sequence, "single_leg_stance", SPECS).events
                      if e.name == "foot_off")
    cut = replace(scene.sequence, frames=scene.sequence.frames[first_lift:])
    with pytest.raises(MediaError, match="no double-leg stance"):
        analyse_movement(cut, "single_leg_stance", SPECS)


def test_every_video_error_is_labelled_not_validated_and_says_where_it_comes_from():
    # movement_tests.yaml's ± are design defaults or published 2-D figures; no harness has measured them for
    # Kinetrace, so every row and finding says so (and the findings step caps them at possible, issue 9)
    _, result = _run("gait_front")
    measured = [r for r in metric_table(result.metrics) if r["status"] == "measured"]
    assert measured and all(r["validated"] is False and r["error_basis"] for r in measured)
    findings = result.findings(source="video:walk.mp4")
    assert findings and all(entry["validated"] is False for entry in findings.values())
