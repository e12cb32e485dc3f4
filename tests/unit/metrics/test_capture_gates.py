"""Capture gates on hand-built frames: a quiet standing front view passes; each way of not standing fails its
own gate, with the value and the bound in the message."""

from __future__ import annotations

from posture_frames import frame_from_px, front_points

from kinetrace.metrics.capture import GateAction, check_capture, refusals
from kinetrace.metrics.catalogue import load_catalogue

CAT = load_catalogue()


def _refused(points: dict[str, tuple[float, float]], view: str = "front", **kw: object) -> dict[str, object]:
    checks = check_capture(frame_from_px(points), view, CAT, view_detected=kw.pop("detected", view),  # type: ignore[arg-type]
                           **kw)  # type: ignore[arg-type]
    return {c.gate: c for c in refusals(checks)}


def _standing(**moves: tuple[float, float]) -> dict[str, tuple[float, float]]:
    pts = front_points(**moves)
    pts.setdefault("left_elbow", (660.0, 700.0))
    pts.setdefault("right_elbow", (340.0, 700.0))
    pts.setdefault("left_wrist", (665.0, 950.0))
    pts.setdefault("right_wrist", (335.0, 950.0))
    pts.update(moves)
    return pts


def test_quiet_standing_front_view_passes_every_gate() -> None:
    assert _refused(_standing()) == {}


def test_a_raised_arm_is_refused_by_arms_by_sides() -> None:
    got = _refused(_standing(left_elbow=(800.0, 300.0), left_wrist=(900.0, 150.0)))
    assert set(got) == {"arms_by_sides"}
    c = got["arms_by_sides"]
    assert c.value is not None and c.value > 90 and "expected ≤ 45 deg" in c.message


def test_a_bent_knee_and_a_step_are_refused() -> None:
    # Left knee forward and up, left foot lifted 250 px of a 1440 px body (0.17 > 0.14).
    got = _refused(_standing(left_knee=(720.0, 1200.0), left_ankle=(600.0, 1350.0), left_heel=(600.0, 1360.0)))
    assert "knees_straight" in got and "feet_level" in got


def test_a_trunk_bent_towards_the_camera_does_not_pass_as_a_front_view() -> None:
    # Shoulders drop towards the hips (torso foreshortened to 200 px against legs of 600 px), head lower too.
    moves = {"left_shoulder": (650.0, 800.0), "right_shoulder": (350.0, 800.0), "nose": (500.0, 640.0),
             "left_eye": (530.0, 610.0), "right_eye": (470.0, 610.0), "left_ear": (570.0, 630.0),
             "right_ear": (430.0, 630.0), "left_elbow": (660.0, 900.0), "right_elbow": (340.0, 900.0),
             "left_wrist": (665.0, 1000.0), "right_wrist": (335.0, 1000.0)}
    got = _refused(_standing(**moves))
    assert "torso_not_foreshortened" in got


def test_an_oblique_or_side_view_measured_as_front_is_refused() -> None:
    assert "view_consistent" in _refused(_standing(), detected=None)
    assert "view_consistent" in _refused(_standing(), detected="left")


def test_camera_roll_beyond_the_bound_refuses_and_other_people_only_warn() -> None:
    checks = {c.gate: c for c in check_capture(frame_from_px(_standing()), "front", CAT, roll_deg=7.0,
                                               people_detected=3, view_detected="front")}
    assert checks["camera_roll"].refused and "7.00 deg" in checks["camera_roll"].message
    assert not checks["people"].passed and checks["people"].action is GateAction.WARN
    assert not checks["people"].refused


def test_feet_pointing_across_the_image_do_not_pass_as_a_front_view() -> None:
    # Left toes 150 px to the side of the heel over a 1440 px body: 0.10 > 0.08, a foot seen side-on.
    got = _refused(_standing(left_foot_index=(750.0, 1615.0)))
    assert set(got) == {"foot_orientation"}
