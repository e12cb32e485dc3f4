"""The pose back-end interface: any estimator that turns an RGB image into core `PoseFrame`s.

A back end returns every person it found as a `PoseFrame` (BlazePose landmark names, normalised coordinates,
visibility, world coordinates when the model gives them). `choose_main_person` picks the person a photo or
clip is about, and `main_person` returns that frame with `person_index` and `people_detected` filled in, so
outputs can say "2 people found; the largest was measured".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from kinetrace.metrics.pose import PoseFrame

__all__ = ["PoseEstimator", "choose_main_person", "main_person"]

# A landmark counts towards a person's size only when the model is fairly sure it is in view.
_SIZE_VISIBILITY = 0.5


@runtime_checkable
class PoseEstimator(Protocol):
    """Anything that finds people in an RGB image (H×W×3 uint8) and returns one `PoseFrame` per person.

    `time_s` is the frame time; video-mode estimators need it strictly increasing within one stream.
    `describe()` names the model for output metadata (e.g. "mediapipe-pose-landmarker-full/1.2.2").
    """

    def estimate(self, image_rgb: np.ndarray, *, time_s: float = 0.0, source: str = "") -> list[PoseFrame]:
        """Return every person found, in the back end's own order (may be empty)."""
        ...

    def describe(self) -> str:
        """Return a short model name and version for provenance."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...


def _person_size(frame: PoseFrame) -> float:
    """Bounding-box area (pixels²) of the confidently seen landmarks, weighted by mean visibility."""
    pts = [
        (lm.x_norm * frame.image_width_px, lm.y_norm * frame.image_height_px, lm.visibility)
        for lm in frame.landmarks.values()
        if lm.visibility >= _SIZE_VISIBILITY
    ]
    if len(pts) < 2:
        return 0.0
    arr = np.asarray(pts, dtype=float)
    area = float(np.ptp(arr[:, 0]) * np.ptp(arr[:, 1]))
    return area * float(arr[:, 2].mean())


def choose_main_person(people: Sequence[PoseFrame]) -> int:
    """Return the index of the main person: the largest well-seen body (closest to the camera).

    Raises:
        ValueError: if `people` is empty.
    """
    if not people:
        raise ValueError("no people to choose from")
    sizes = [_person_size(p) for p in people]
    return int(np.argmax(sizes))


def main_person(people: Sequence[PoseFrame]) -> PoseFrame | None:
    """Return the main person's frame with `person_index` and `people_detected` set, or None if nobody."""
    if not people:
        return None
    idx = choose_main_person(people)
    return dataclasses.replace(people[idx], person_index=idx, people_detected=len(people))
