"""Choosing the main person among several detections."""

from __future__ import annotations

import pytest

from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame
from kinetrace.vision.pose import PoseEstimator, choose_main_person, main_person


def _person(cx: float, height: float) -> PoseFrame:
    lms = {n: Landmark(x_norm=cx + (0.02 if i % 2 else -0.02) * height, y_norm=0.1 + height * i / 33,
                       visibility=0.9) for i, n in enumerate(LANDMARK_NAMES)}
    return PoseFrame(landmarks=lms, image_width_px=1000, image_height_px=1000)


def test_the_largest_person_is_the_main_one_and_the_count_is_kept() -> None:
    small, big = _person(0.2, 0.3), _person(0.6, 0.8)
    assert choose_main_person([small, big]) == 1
    frame = main_person([small, big])
    assert frame is not None and frame.person_index == 1 and frame.people_detected == 2


def test_nobody_found_gives_none() -> None:
    assert main_person([]) is None
    with pytest.raises(ValueError, match="no people"):
        choose_main_person([])


def test_mediapipe_back_end_satisfies_the_protocol() -> None:
    from kinetrace.vision.mediapipe_pose import MediaPipePose

    assert issubclass(MediaPipePose, PoseEstimator)
