"""Protocol checks of the knowledge-base tests a 3-D trial may feed, on synthetic angle series.

The series are built by hand: 20 still frames, then a ramp to the end-range angle. Bounds come from
`capture/data/gates.yaml` (seated: hip flexion 60–120°; pelvis travel at most 0.1 m; excursion at least 10°).
"""

from __future__ import annotations

import numpy as np
import pytest

from kinetrace.capture.angles import ANGLES
from kinetrace.capture.gate_data import gate_data, parse_gate_data
from kinetrace.capture.protocols import TrialShape, protocol_findings
from kinetrace.capture.validity import MEASUREMENT_ERROR_DEG
from kinetrace.errors import KnowledgeError
from kinetrace.knowledge import load_knowledge

N, STILL = 60, slice(0, 20)
ENTRY = {"method": "multi_camera_3d", "source": "multi-camera 3-D capture (4 cameras, hip_rotation)", "unit": "deg"}


def _ramp(start: float, end: float) -> np.ndarray:
    """`start` for the still frames, then a straight ramp to `end` at the last frame."""
    return np.concatenate([np.full(20, start), np.linspace(start, end, N - 20)])


def _shape(
    *,
    flexion_deg: float = 90.0,
    left: tuple[float, float] = (0.0, 0.0),
    right: tuple[float, float] = (0.0, 0.0),
    thoracic: tuple[float, float, float] = (0.0, 0.0, 0.0),
    pelvis_rotation: tuple[float, float] = (0.0, 0.0),
    travel_m: float = 0.02,
) -> TrialShape:
    """A trial: hips flexed `flexion_deg`, each hip's rotation ramping (still → end), thoracic (still → min → max)."""
    angles = {k: np.zeros(N) for k in ANGLES}
    angles["hip_flexion_left"] = angles["hip_flexion_right"] = np.full(N, flexion_deg)
    angles["hip_rotation_left"], angles["hip_rotation_right"] = _ramp(*left), _ramp(*right)
    s, lo, hi = thoracic
    angles["thoracic_rotation"] = np.concatenate([np.full(20, s), np.linspace(s, lo, 20), np.linspace(lo, hi, 20)])
    angles["pelvic_rotation"] = _ramp(*pelvis_rotation)
    return TrialShape(angles, STILL, travel_m)


def _hip(shape: TrialShape) -> tuple[dict, list]:  # type: ignore[type-arg]
    return protocol_findings("hip_rotation", shape, uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY)


def test_seated_with_real_internal_rotation_gives_both_sides() -> None:
    # seated at 90°, each hip turns from 0° into 35° (left) and 28° (right) internal rotation
    findings, [verdict] = _hip(_shape(left=(0.0, 35.0), right=(0.0, 28.0)))
    entry = findings["hip_ir_seated"]
    assert (entry["left"], entry["right"]) == (35.0, 28.0)
    assert entry["method"] == "multi_camera_3d" and entry["uncertainty"] == MEASUREMENT_ERROR_DEG["hip_rotation"]
    assert "note" not in entry and verdict.reason is None


def test_standing_gives_no_finding_and_says_why() -> None:
    # the Pose2Sim demo's still window: hip flexion about 40° and 6°, hips turning through 25°
    shape = _shape(flexion_deg=6.0, left=(-12.0, 15.0), right=(-10.0, -37.0))
    findings, [verdict] = _hip(shape)
    assert findings == {}
    assert verdict.reason is not None and verdict.reason.startswith("the person was standing (hip flexion L 6°")
    assert "needs sitting with hips at about 90° (hip flexion at least 60°)" in verdict.reason


def test_a_side_that_never_turned_inward_is_left_out_with_its_reason() -> None:
    # right hip goes from −10° further into external rotation (−37°): no internal-rotation excursion
    findings, [verdict] = _hip(_shape(left=(0.0, 30.0), right=(-10.0, -37.0)))
    entry = findings["hip_ir_seated"]
    assert entry["left"] == 30.0 and "right" not in entry
    assert verdict.sides_left_out.keys() == {"right"}
    assert "right side not reported: the right side turned only 0° toward internal rotation" in entry["note"]


def test_an_excursion_under_the_bound_is_not_a_measurement() -> None:
    # 0° → 6° is within still-window noise and small movements: under the 10° excursion bound, no side qualifies
    findings, [verdict] = _hip(_shape(left=(0.0, 6.0), right=(2.0, 8.0)))
    assert findings == {} and set(verdict.sides_left_out) == {"left", "right"}
    assert "turned only 6° toward internal rotation" in (verdict.reason or "")


def test_a_travelling_pelvis_is_not_the_seated_test() -> None:
    findings, [verdict] = _hip(_shape(left=(0.0, 35.0), right=(0.0, 30.0), travel_m=0.4))
    assert findings == {} and "the pelvis travelled 0.40 m" in (verdict.reason or "")


def test_hips_flexed_beyond_the_test_position_are_refused() -> None:
    findings, [verdict] = _hip(_shape(flexion_deg=140.0, left=(0.0, 35.0), right=(0.0, 30.0)))
    assert findings == {} and "hip flexion at most 120°" in (verdict.reason or "")


def _thoracic(shape: TrialShape) -> tuple[dict, list]:  # type: ignore[type-arg]
    return protocol_findings("trunk_rotation", shape, uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY)


def test_seated_thoracic_rotation_with_the_pelvis_held_gives_both_sides() -> None:
    # shoulders turn 42° left (negative) and 38° right (positive) while the pelvis turns 3°
    findings, _ = _thoracic(_shape(thoracic=(0.0, -42.0, 38.0), pelvis_rotation=(0.0, 3.0)))
    entry = findings["thoracic_rotation_seated"]
    assert (entry["left"], entry["right"]) == (42.0, 38.0)
    assert entry["uncertainty"] == MEASUREMENT_ERROR_DEG["thoracic_rotation"]


def test_thoracic_rotation_with_the_pelvis_turning_is_not_lumbar_locked() -> None:
    findings, [verdict] = _thoracic(_shape(thoracic=(0.0, -42.0, 38.0), pelvis_rotation=(0.0, 25.0)))
    assert findings == {} and "the pelvis turned through 25°" in (verdict.reason or "")


def test_thoracic_rotation_standing_gives_no_finding() -> None:
    findings, [verdict] = _thoracic(_shape(flexion_deg=5.0, thoracic=(0.0, -42.0, 38.0)))
    assert findings == {} and (verdict.reason or "").startswith("the person was standing")
    assert "seated (lumbar-locked) thoracic-rotation test" in (verdict.reason or "")


def test_overhead_reach_needs_standing_in_place() -> None:
    shape = _shape(flexion_deg=5.0)
    shape.angles["trunk_extension"] = _ramp(0.0, 12.0)
    findings, _ = protocol_findings("overhead_reach", shape, uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY)
    assert findings["overhead_reach_lumbar_extension"]["value"] == 12.0
    seated = _shape(flexion_deg=90.0)
    findings, [verdict] = protocol_findings("overhead_reach", seated, uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY)
    assert findings == {} and "hip flexion at most 60°" in (verdict.reason or "")


def test_squat_and_gait_feed_no_knowledge_base_test() -> None:
    for test in ("squat", "gait"):
        assert protocol_findings(test, _shape(), uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY) == ({}, [])


def test_gate_data_names_real_tests_angles_and_errors() -> None:
    known = set(load_knowledge().tests)
    data = gate_data()
    for p in data.protocols:
        assert p.test_id in known, p.test_id
        assert p.uncertainty in MEASUREMENT_ERROR_DEG, p.uncertainty
        angles = [s.angle for s in (p.sides or {}).values()] + ([p.value.angle] if p.value else [])
        assert angles and set(angles) <= set(ANGLES), angles
    every_bound = [*data.quality.model_dump().values(), *(m["bound"] for m in data.model_dump()["movements"].values())]
    assert all(b["source"] for b in every_bound)


def test_a_broken_gates_file_lists_every_problem() -> None:
    text = """
quality: {min_person_fraction: {value: 0.8, unit: share}}
movements: {}
protocols:
  - {test_id: hip_ir_seated, capture_test: hip_rotation, oops: 1}
"""
    with pytest.raises(KnowledgeError) as err:
        parse_gate_data(text)
    problems = "\n".join(err.value.problems)
    assert "quality.min_person_fraction.source" in problems and "quality.max_still_speed_m_s" in problems
    assert "protocols.0.oops" in problems


def test_standing_gives_pelvic_tilt_and_obliquity_from_the_still_window() -> None:
    shape = _shape(flexion_deg=5.0)
    shape.angles["pelvic_tilt"] = _ramp(12.0, 30.0)  # still window mean 12°, whatever happens after
    shape.angles["pelvic_obliquity"] = _ramp(-2.5, 4.0)  # left side low 2.5°: reported as its size
    findings, _ = protocol_findings("standing", shape, uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY)
    assert findings["pelvic_tilt_sagittal"]["value"] == 12.0
    assert findings["pelvic_obliquity_angle"]["value"] == 2.5
    assert findings["pelvic_obliquity_angle"]["uncertainty"] == MEASUREMENT_ERROR_DEG["pelvic_obliquity"]


def test_a_seated_person_is_not_a_standing_posture_trial() -> None:
    findings, verdicts = protocol_findings(
        "standing", _shape(flexion_deg=90.0), uncertainty=MEASUREMENT_ERROR_DEG, entry=ENTRY
    )
    assert findings == {} and all("the hips were seated or crouched" in (v.reason or "") for v in verdicts)
