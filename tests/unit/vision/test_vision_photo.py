"""Photo analysis orchestration with a stand-in pose back end (the real model is in tests/integration)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kinetrace.errors import InputError
from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame
from kinetrace.vision.photo import analyse_photos


class _Recorder:
    """A pose back end that returns one fixed small person and records the image sizes it was given."""

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def estimate(self, image_rgb: np.ndarray, *, time_s: float = 0.0, source: str = "") -> list[PoseFrame]:
        self.shapes.append(image_rgb.shape)
        lms = {n: Landmark(0.5, 0.40 + 0.1 * i / 33, visibility=0.9) for i, n in enumerate(LANDMARK_NAMES)}
        h, w = image_rgb.shape[:2]
        return [PoseFrame(landmarks=lms, image_width_px=w, image_height_px=h, source=source)]

    def describe(self) -> str:
        return "recorder"

    def close(self) -> None:
        pass


def test_a_small_person_in_a_reduced_decode_is_looked_for_again_at_full_size(tmp_path: Path) -> None:
    p = tmp_path / "big.jpg"
    Image.new("RGB", (2400, 3200), (90, 120, 150)).save(p)
    rec = _Recorder()
    a = analyse_photos([p], estimator=rec, views="front")
    # 3200 px → decoded at 1/2 (1600); the person spans 10% of the height (160 px < 256) → full size.
    # (Each whole image is followed by the crop pass for small people, vision.people: six crops.)
    whole = [s for s in rec.shapes if s in {(1600, 1200, 3), (3200, 2400, 3)}]
    assert whole == [(1600, 1200, 3), (3200, 2400, 3)]
    assert len(rec.shapes) == 2 * (1 + 6)
    assert a.photos[0].frame is not None and a.photos[0].frame.image_height_px == 3200


def test_bad_arguments_name_the_field(tmp_path: Path) -> None:
    p = tmp_path / "x.jpg"
    Image.new("RGB", (100, 100)).save(p)
    with pytest.raises(InputError, match="view"):
        analyse_photos([p, p], estimator=_Recorder(), views=["front", "left", "back"])
    with pytest.raises(InputError, match="height_cm"):
        analyse_photos([p], estimator=_Recorder(), height_cm=20)
    with pytest.raises(InputError, match="photos"):
        analyse_photos([], estimator=_Recorder())
