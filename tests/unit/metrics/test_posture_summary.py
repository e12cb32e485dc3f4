"""Averaging photos and writing findings in the case format."""

from __future__ import annotations

import pytest
from posture_frames import frame_from_px, front_points, side_points

from kinetrace.intake.case import FindingInput
from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.posture import Status, measure_posture
from kinetrace.metrics.posture_summary import posture_findings, summarise_measurements
from kinetrace.metrics.scale import scale_from_height
from kinetrace.units import Side

CAT = load_catalogue()


def _front(left_hip_y: float, source: str):
    frame = frame_from_px(front_points(left_hip=(600.0, left_hip_y)))
    frame = type(frame)(**{**{f: getattr(frame, f) for f in frame.__dataclass_fields__}, "source": source})
    return measure_posture(frame, "front", CAT, scale=scale_from_height(frame, 170, CAT))


def test_repeated_photos_are_averaged_with_their_spread() -> None:
    # Left hip 10 and 20 px lower over 200 px: atan(0.05) = 2.862°, atan(0.1) = 5.711°; mean 4.287°,
    # SD = |5.711 − 2.862| / √2 = 2.015°.
    ms = [*_front(1010.0, "a.jpg"), *_front(1020.0, "b.jpg")]
    s = next(x for x in summarise_measurements(ms, CAT) if x.metric_id == "pelvic_obliquity_angle")
    assert s.n == 2 and s.value == pytest.approx(4.2865, abs=1e-3)
    assert s.spread_sd == pytest.approx(2.0145, abs=1e-3)
    assert s.direction is Side.LEFT and s.sources == ("a.jpg", "b.jpg")


def test_findings_follow_the_case_format_and_validate() -> None:
    side = frame_from_px(side_points())
    ms = [*_front(1010.0, "front.jpg"), *measure_posture(side, "right", CAT, scale=scale_from_height(side, 170, CAT))]
    findings = posture_findings(summarise_measurements(ms, CAT), CAT)
    po = findings["pelvic_obliquity_angle"]
    assert po["side"] == "left" and po["unit"] == "deg" and po["method"] == "front_photo"
    assert po["source"] == "photo:front.jpg"
    assert findings["craniovertebral_angle"]["method"] == "side_photo"
    assert set(findings["knee_hyperextension"]) >= {"right", "unit"}
    for entry in findings.values():
        FindingInput.model_validate(entry)


def test_not_measurable_everywhere_gives_no_finding_and_a_reason() -> None:
    ms = _front(1010.0, "front.jpg")
    summaries = summarise_measurements(ms, CAT)
    cva = next(s for s in summaries if s.metric_id == "craniovertebral_angle")
    assert cva.status is Status.NOT_MEASURABLE and "needs a left or right view (front.jpg)" in cva.reason
    assert "craniovertebral_angle" not in posture_findings(summaries, CAT)


def test_distances_without_a_scale_stay_out_of_the_findings() -> None:
    frame = frame_from_px(front_points(left_shoulder=(650.0, 430.0)))
    summaries = summarise_measurements(measure_posture(frame, "front", CAT), CAT)
    sh = next(s for s in summaries if s.metric_id == "shoulder_height_difference")
    assert sh.unit == "%stature"
    assert "shoulder_height_difference" not in posture_findings(summaries, CAT)


def test_implausible_values_are_left_out_of_the_findings_with_a_warning() -> None:
    from kinetrace.metrics.posture_summary import checked_findings

    # Left hip 20 px lower over 200 px: atan(0.1) = 5.711°, outside an (artificial) 0–5° plausible range.
    summaries = summarise_measurements(_front(1020.0, "a.jpg"), CAT)
    findings, warnings = checked_findings(summaries, CAT, {"pelvic_obliquity_angle": (0.0, 5.0)})
    assert "pelvic_obliquity_angle" not in findings
    assert "shoulder_height_difference" in findings
    assert len(warnings) == 1 and "pelvic_obliquity_angle 5.7 deg is outside the plausible range 0…5" in warnings[0]
