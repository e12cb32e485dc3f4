"""View detection from landmarks and left/right label consistency."""

from __future__ import annotations

from posture_frames import frame_from_px, front_points, side_points

from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.views import detect_view, facing_sign, match_labels_to_view

CAT = load_catalogue()


def _side_frame(side: str = "right"):
    pts = side_points(side=side)
    other = "left" if side == "right" else "right"
    pts |= {f"{other}_shoulder": (505.0, 345.0), f"{other}_hip": (505.0, 1000.0)}
    return frame_from_px(pts)


def test_front_view_when_the_left_side_is_on_the_image_right_and_the_nose_is_nearest() -> None:
    frame = frame_from_px(front_points(), z={"nose": -0.3, "left_shoulder": -0.05, "right_shoulder": -0.05})
    assert detect_view(frame, CAT).view == "front"


def test_back_view_when_the_left_side_is_on_the_image_left_and_the_nose_is_far() -> None:
    pts = {k.replace("left_", "tmp_").replace("right_", "left_").replace("tmp_", "right_"): v
           for k, v in front_points().items()}
    frame = frame_from_px(pts, z={"nose": 0.2})
    assert detect_view(frame, CAT).view == "back"


def test_disagreeing_cues_leave_the_view_unknown() -> None:
    frame = frame_from_px(front_points(), z={"nose": 0.3})  # front order, but the nose is far
    guess = detect_view(frame, CAT)
    assert guess.view is None and "give the view" in guess.reason


def test_side_view_facing_image_right_is_a_right_view() -> None:
    frame = _side_frame("right")
    assert facing_sign(frame) == 1.0
    assert detect_view(frame, CAT).view == "right"


def test_back_view_labels_mirrored_by_the_model_are_swapped_back() -> None:
    frame = frame_from_px(front_points())  # labelled as if facing the camera
    fixed, swapped = match_labels_to_view(frame, "back")
    assert swapped
    assert fixed.landmarks["left_hip"].x_norm < fixed.landmarks["right_hip"].x_norm
    same, swapped_again = match_labels_to_view(frame, "front")
    assert not swapped_again and same is frame
