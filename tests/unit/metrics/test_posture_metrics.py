"""Posture metrics on hand-built frames; each expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

import math

import pytest
from posture_frames import frame_from_px, front_points, side_points

from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.posture import Measurement, Status, measure_posture
from kinetrace.metrics.scale import scale_from_height
from kinetrace.units import Side

CAT = load_catalogue()


def _get(ms: tuple[Measurement, ...], metric_id: str, side: Side = Side.NONE) -> Measurement:
    hits = [m for m in ms if m.metric_id == metric_id and (m.side == side or side is Side.NONE)]
    assert hits, metric_id
    return hits[0]


def test_cva_from_a_3_4_5_triangle_is_53_13_deg() -> None:
    # Ear 30 px ahead of and 40 px above the shoulder: atan2(40, 30) = 53.130°.
    frame = frame_from_px(side_points(ear=(530.0, 300.0), shoulder=(500.0, 340.0)))
    m = _get(measure_posture(frame, "right", CAT), "craniovertebral_angle")
    assert m.status is Status.OK
    assert m.value == pytest.approx(53.130, abs=1e-3)
    assert m.unit == "deg" and m.is_proxy


def test_cva_is_the_same_when_the_person_faces_the_other_way() -> None:
    # Mirror every x about 500: the person now faces -x (a left view); the angle is unchanged.
    pts = {k: (1000.0 - x, y) for k, (x, y) in side_points(side="left").items()}
    m = _get(measure_posture(frame_from_px(pts), "left", CAT), "craniovertebral_angle")
    assert m.value == pytest.approx(53.130, abs=1e-3)


def test_forward_head_translation_in_mm_from_height() -> None:
    # Eyes at y=200, heels at y=1600: stature = 1400 / 0.936 px; 175 cm → 1750·0.936/1400 mm/px = 1.17 mm/px;
    # the ear is 30 px ahead of the shoulder → 35.1 mm.
    frame = frame_from_px(side_points())
    scale = scale_from_height(frame, 175, CAT)
    assert scale is not None
    m = _get(measure_posture(frame, "right", CAT, scale=scale), "forward_head_translation")
    assert m.unit == "mm"
    assert m.value == pytest.approx(35.1, abs=1e-6)
    # without a scale it is given as a percentage of stature: 30 / (1400 / 0.936) · 100 = 2.0057 %
    m2 = _get(measure_posture(frame, "right", CAT), "forward_head_translation")
    assert m2.unit == "%stature" and m2.value == pytest.approx(2.0057, abs=1e-4)


def test_knee_behind_the_hip_ankle_line_is_hyperextension() -> None:
    # Knee 20 px behind a vertical hip–ankle line, 300 px from each: 2·atan(20/300) = 7.628° of hyperextension.
    frame = frame_from_px(side_points(knee=(480.0, 1300.0)))
    ms = measure_posture(frame, "right", CAT)
    m = _get(ms, "knee_hyperextension", Side.RIGHT)
    assert m.side is Side.RIGHT and m.value == pytest.approx(7.628, abs=1e-3)
    far = _get(ms, "knee_hyperextension", Side.LEFT)
    assert far.status is Status.NOT_MEASURABLE and "far leg" in far.reason


def test_trunk_leaning_forward_is_positive() -> None:
    # Shoulder 30 px ahead of and 400 px above the hip: atan(30/400) = 4.289°.
    frame = frame_from_px(side_points(shoulder=(530.0, 600.0), ear=(560.0, 560.0)))
    assert _get(measure_posture(frame, "right", CAT), "trunk_inclination").value == pytest.approx(4.289, abs=1e-3)


def test_plumb_offset_of_the_hip_ahead_of_the_ankle() -> None:
    # Hip 40 px ahead of the ankle, 1.17 mm/px (see above) → 46.8 mm.
    frame = frame_from_px(side_points(hip=(540.0, 1000.0)))
    scale = scale_from_height(frame, 175, CAT)
    m = _get(measure_posture(frame, "right", CAT, scale=scale), "sagittal_plumb_offset_hip")
    assert m.value == pytest.approx(46.8, abs=1e-6)


def test_pelvic_obliquity_reports_the_low_side() -> None:
    # Left hip 150 px lower over 200 px width: atan(150/200) = 36.870°, low side left.
    frame = frame_from_px(front_points(left_hip=(600.0, 1150.0)))
    m = _get(measure_posture(frame, "front", CAT), "pelvic_obliquity_angle")
    assert m.value == pytest.approx(36.870, abs=1e-3)
    assert m.side is Side.LEFT


def test_head_tilt_falls_back_to_the_eyes_when_the_ears_are_hidden() -> None:
    # Right eye 6 px lower over 60 px: atan(6/60) = 5.711°, tilted to the right (negative by convention).
    pts = front_points(right_eye=(470.0, 206.0))
    frame = frame_from_px(pts, visibility={"left_ear": 0.1, "right_ear": 0.1})
    m = _get(measure_posture(frame, "front", CAT), "frontal_head_tilt")
    assert m.value == pytest.approx(-5.711, abs=1e-3) and m.side is Side.RIGHT
    assert {lm.name for lm in m.landmarks} == {"left_eye", "right_eye"}


def test_knee_medial_of_the_hip_ankle_line_is_valgus() -> None:
    # Left knee 20 px towards the midline, 300 px from hip and ankle: 2·atan(20/300) = 7.628° valgus.
    frame = frame_from_px(front_points(left_knee=(580.0, 1300.0), right_knee=(380.0, 1300.0)))
    ms = measure_posture(frame, "front", CAT)
    assert _get(ms, "standing_knee_frontal_angle", Side.LEFT).value == pytest.approx(7.628, abs=1e-3)
    # the right knee moved 20 px away from the midline: varus, negative
    assert _get(ms, "standing_knee_frontal_angle", Side.RIGHT).value == pytest.approx(-7.628, abs=1e-3)


def test_shoulder_height_and_trunk_shift_in_mm() -> None:
    # Eyes y=200, toes (the lowest foot point) y=1640 → 1440 px = 0.936 H; H = 144 cm gives 0.936 mm/px.
    # Left shoulder 10 px lower → 9.36 mm; shoulder midpoint 20 px to the person's left (+x) → 18.72 mm.
    pts = front_points(left_shoulder=(670.0, 430.0), right_shoulder=(370.0, 420.0))
    frame = frame_from_px(pts)
    scale = scale_from_height(frame, 144, CAT)
    ms = measure_posture(frame, "front", CAT, scale=scale)
    sh = _get(ms, "shoulder_height_difference")
    assert sh.value == pytest.approx(9.36, abs=1e-9) and sh.side is Side.LEFT
    shift = _get(ms, "lateral_trunk_shift")
    assert shift.value == pytest.approx(18.72, abs=1e-9) and shift.side is Side.LEFT


def test_camera_roll_is_corrected_from_the_given_angle() -> None:
    # Rotate a level pelvis by 5° clockwise about the image centre, then tell the metric the roll: 0° again.
    pts = front_points()
    t = math.radians(5.0)
    cx, cy = 500.0, 1000.0
    rolled = {k: (cx + (x - cx) * math.cos(t) - (y - cy) * math.sin(t),
                  cy + (x - cx) * math.sin(t) + (y - cy) * math.cos(t)) for k, (x, y) in pts.items()}
    frame = frame_from_px(rolled)
    uncorrected = _get(measure_posture(frame, "front", CAT), "pelvic_obliquity_angle").value
    assert uncorrected == pytest.approx(5.0, abs=1e-6)  # the image-level line tilts 5°, left side lower
    corrected = _get(measure_posture(frame, "front", CAT, roll_deg=5.0), "pelvic_obliquity_angle").value
    assert corrected == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("view", "metric_id"), [("front", "craniovertebral_angle"),
                                                 ("left", "pelvic_obliquity_angle")])
def test_metric_from_a_view_that_cannot_show_it_is_not_measurable(view: str, metric_id: str) -> None:
    pts = side_points(side="left") if view == "left" else front_points()
    m = _get(measure_posture(frame_from_px(pts), view, CAT), metric_id)  # type: ignore[arg-type]
    assert m.status is Status.NOT_MEASURABLE and m.value is None
    assert "view" in m.reason


def test_hidden_landmark_gives_a_reason_naming_it() -> None:
    pts = side_points()
    frame = frame_from_px(pts, visibility={"right_ear": 0.2})
    m = _get(measure_posture(frame, "right", CAT), "craniovertebral_angle")
    assert m.status is Status.NOT_MEASURABLE
    assert "ear is not visible" in m.reason


def test_landmark_outside_the_image_is_not_used() -> None:
    frame = frame_from_px(front_points(left_ankle=(600.0, 2100.0)))
    m = _get(measure_posture(frame, "front", CAT), "standing_knee_frontal_angle", Side.LEFT)
    assert m.status is Status.NOT_MEASURABLE and "outside the image" in m.reason


def test_low_detection_confidence_measures_nothing() -> None:
    ms = measure_posture(frame_from_px(front_points(), confidence=0.2), "front", CAT)
    assert all(m.status is Status.NOT_MEASURABLE for m in ms)
    assert "confidence" in ms[0].reason


def test_unknown_view_measures_nothing_and_says_so() -> None:
    ms = measure_posture(frame_from_px(front_points()), None, CAT)
    assert all(m.status is Status.NOT_MEASURABLE and "view is not known" in m.reason for m in ms)


def test_every_value_is_finite_or_absent() -> None:
    for view, pts in (("front", front_points()), ("right", side_points())):
        for m in measure_posture(frame_from_px(pts), view, CAT):  # type: ignore[arg-type]
            assert (m.value is None) == (m.status is Status.NOT_MEASURABLE)
            assert m.value is None or math.isfinite(m.value)


def test_cva_has_no_validated_error_so_no_uncertainty() -> None:
    # Issue 9: the ± comes only from validation; the side-view CVA proxy was never validated.
    m = _get(measure_posture(frame_from_px(side_points()), "right", CAT), "craniovertebral_angle")
    assert m.uncertainty is None and m.validated is False
