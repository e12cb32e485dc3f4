"""One place that builds the pose back end: `pose_estimator(purpose=...)` for photos or video.

Which model is used is a setting: the `model` argument, else the `KINETRACE_POSE_MODEL` environment variable,
else the default for the purpose (`DEFAULT_MODELS`: the heavy landmarker for photos, which measured more
accurate on the validation set at a cost that a handful of photos can bear, and full for video, where frame
rate matters; see README "Accuracy"). Every caller (CLI, photo analysis, video, batch, benchmarks,
validation) goes through here, so they cannot drift apart.
"""

from __future__ import annotations

import os
from typing import Literal

from kinetrace.errors import InputError
from kinetrace.vision.pose import PoseEstimator

__all__ = ["BACKENDS", "DEFAULT_MODELS", "MODEL_ENV", "Purpose", "default_model", "pose_estimator"]

Purpose = Literal["photo", "video"]
BACKENDS = ("mediapipe",)
DEFAULT_MODELS: dict[str, str] = {"photo": "heavy", "video": "full"}
MODEL_ENV = "KINETRACE_POSE_MODEL"


def default_model(purpose: Purpose) -> str:
    """The model for `purpose` unless the caller names one: the environment setting, else `DEFAULT_MODELS`."""
    return os.environ.get(MODEL_ENV) or DEFAULT_MODELS[purpose]


def pose_estimator(purpose: Purpose = "photo", *, model: str | None = None, num_poses: int = 2,
                   backend: str = "mediapipe") -> PoseEstimator:
    """Build a pose back end for photos (independent images) or video (tracking between frames).

    Raises:
        InputError: for an unknown purpose, back end or model.
    """
    if purpose not in DEFAULT_MODELS:
        raise InputError("purpose", purpose, '"photo" or "video"')
    if backend not in BACKENDS:
        raise InputError("backend", backend, f"one of {', '.join(BACKENDS)}")
    from kinetrace.vision.mediapipe_pose import MediaPipePose

    chosen = model or default_model(purpose)
    if purpose == "photo":
        return MediaPipePose(model=chosen, mode="image", num_poses=num_poses)
    return MediaPipePose(model=chosen, mode="video", num_poses=num_poses)
