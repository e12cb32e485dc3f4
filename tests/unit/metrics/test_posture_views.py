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


def _with_world(frame, *, nose_z_m: float):
    """The frame with 3-D world landmarks: ears at z 0, the nose `nose_z_m` from them (negative = nearer)."""
    import dataclasses

    world = {"nose": nose_z_m, "left_ear": 0.0, "right_ear": 0.0}
    lms = {n: dataclasses.replace(lm, world_m=(0.0, 0.0, world.get(n, 0.0))) for n, lm in frame.landmarks.items()}
    return dataclasses.replace(frame, landmarks=lms)


def test_the_3d_nose_behind_the_ears_vetoes_a_front_view_the_image_cues_suggest() -> None:
    # A model fooled by a back view labels it as facing the camera; its 3-D head still points away (nose 0.1 m
    # behind the ears, as in the Pose2Sim back views): the view is not called front.
    frame = frame_from_px(front_points(), z={"nose": -0.3, "left_shoulder": -0.05, "right_shoulder": -0.05})
    assert detect_view(_with_world(frame, nose_z_m=-0.08), CAT).view == "front"
    guess = detect_view(_with_world(frame, nose_z_m=0.10), CAT)
    assert guess.view is None and "3-D" in guess.reason and "give the view" in guess.reason


def test_the_3d_nose_ahead_of_the_ears_vetoes_a_back_view() -> None:
    pts = {k.replace("left_", "tmp_").replace("right_", "left_").replace("tmp_", "right_"): v
           for k, v in front_points().items()}
    frame = frame_from_px(pts, z={"nose": 0.2})
    assert detect_view(_with_world(frame, nose_z_m=0.10), CAT).view == "back"
    assert detect_view(_with_world(frame, nose_z_m=-0.10), CAT).view is None


def test_a_head_seen_side_on_in_3d_gives_no_vote_and_the_image_cues_decide() -> None:
    margin = CAT.view_detection.world_nose_ahead_min_m  # within ± margin: no vote
    frame = frame_from_px(front_points(), z={"nose": -0.3, "left_shoulder": -0.05, "right_shoulder": -0.05})
    assert detect_view(_with_world(frame, nose_z_m=margin / 2), CAT).view == "front"
