"""MediaPipe Pose Landmarker (Tasks API) as a Kinetrace pose back end, fully offline.

The `.task` bundles ship inside the package (`kinetrace/vision/models/`, see the README there), so nothing is
downloaded at run time. Two running modes:

- ``mode="image"``: every image is independent (photos).
- ``mode="video"``: frames of one clip, with tracking between frames; `time_s` must increase strictly.

Example::

    with MediaPipePose(model="full", mode="video", num_poses=2) as pose:
        for t, rgb in frames:
            people = pose.estimate(rgb, time_s=t, source="cam01.mp4")
            frame = main_person(people)       # None when nobody was found
"""

from __future__ import annotations

import logging
from importlib import resources
from types import TracebackType
from typing import Any, Literal

import numpy as np

from kinetrace.errors import InputError, MediaError
from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame, Provenance
from kinetrace.vision.native_log import quiet_native_log

__all__ = ["MODEL_FILES", "MediaPipePose", "model_path"]

log = logging.getLogger(__name__)

MODEL_FILES: dict[str, str] = {
    "lite": "pose_landmarker_lite.task",
    "full": "pose_landmarker_full.task",
    "heavy": "pose_landmarker_heavy.task",
}

Mode = Literal["image", "video"]


def model_path(model: str) -> str:
    """Return the filesystem path of a bundled pose model ("lite", "full" or "heavy").

    Raises:
        InputError: for an unknown model name.
    """
    if model not in MODEL_FILES:
        raise InputError("model", model, f"one of {', '.join(MODEL_FILES)}")
    ref = resources.files("kinetrace.vision").joinpath("models", MODEL_FILES[model])
    path = str(ref)
    if not ref.is_file():
        raise MediaError("model", path, "the bundled .task file (reinstall Kinetrace)")
    return path


def _mp_version() -> str:
    import mediapipe

    return str(getattr(mediapipe, "__version__", "unknown"))


class MediaPipePose:
    """A loaded MediaPipe pose landmarker; returns core `PoseFrame`s, one per person found.

    Args:
        model: "lite" (fastest), "full" (default here; video) or "heavy" (most accurate; the photo default of
            `vision.backends.pose_estimator`).
        mode: "image" for independent photos, "video" for consecutive frames of one clip.
        num_poses: most people to look for; the caller picks the main one (`vision.pose.main_person`).
        min_detection_confidence: person-detector score needed to report a person.
        min_presence_confidence: landmark-presence score needed to keep a person.
        min_tracking_confidence: video only; below it the detector runs again.
    """

    def __init__(
        self,
        model: str = "full",
        mode: Mode = "image",
        num_poses: int = 2,
        *,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if mode not in ("image", "video"):
            raise InputError("mode", mode, '"image" or "video"')
        if not 1 <= num_poses <= 10:
            raise InputError("num_poses", num_poses, "an integer from 1 to 10")
        from mediapipe.tasks.python import BaseOptions, vision

        self.model = model
        self.mode: Mode = mode
        self.num_poses = num_poses
        running = vision.RunningMode.IMAGE if mode == "image" else vision.RunningMode.VIDEO
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=model_path(model)),
            running_mode=running,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        with quiet_native_log():
            self._landmarker: Any = vision.PoseLandmarker.create_from_options(options)
        self._started = False  # the first inference logs natively too
        self._last_ms = -1
        self._version = _mp_version()

    def describe(self) -> str:
        """Return the model name and the mediapipe version, e.g. "mediapipe-pose-landmarker-full/1.2.2"."""
        return f"mediapipe-pose-landmarker-{self.model}/{self._version}"

    def estimate(self, image_rgb: np.ndarray, *, time_s: float = 0.0, source: str = "") -> list[PoseFrame]:
        """Return every person found in an RGB uint8 image (H×W×3), as `PoseFrame`s.

        Raises:
            InputError: if the image is not H×W×3 uint8, or (video mode) `time_s` does not increase.
        """
        import mediapipe as mp

        if not self._started:
            self._started = True
            with quiet_native_log():
                return self.estimate(image_rgb, time_s=time_s, source=source)
        if image_rgb.ndim != 3 or image_rgb.shape[2] != 3 or image_rgb.dtype != np.uint8:
            got = f"{image_rgb.dtype} array of shape {image_rgb.shape}"
            raise InputError("image", got, "H×W×3 uint8 RGB")
        height, width = image_rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        if self.mode == "image":
            result = self._landmarker.detect(image)
        else:
            ms = int(round(time_s * 1000.0))
            if ms <= self._last_ms:
                after = f"a time after {self._last_ms / 1000.0:.3f} s in video mode"
                raise InputError("time_s", time_s, after)
            self._last_ms = ms
            result = self._landmarker.detect_for_video(image, ms)
        worlds = result.pose_world_landmarks or [None] * len(result.pose_landmarks)
        return [
            _to_frame(lms, world, width=width, height=height, time_s=time_s, source=source)
            for lms, world in zip(result.pose_landmarks, worlds, strict=False)
        ]

    def close(self) -> None:
        """Release the native landmarker (safe to call twice)."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # The native side must be closed before interpreter shutdown tears its dispatcher down.
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing useful can be done during garbage collection
            log.debug("pose landmarker close failed during collection")


def _score(value: float | None) -> float:
    return 0.0 if value is None else float(min(1.0, max(0.0, value)))


def _to_frame(
    lms: list[Any], world: list[Any] | None, *, width: int, height: int, time_s: float, source: str
) -> PoseFrame:
    """Translate one MediaPipe pose into a core PoseFrame (detection confidence = mean landmark presence)."""
    landmarks: dict[str, Landmark] = {}
    presences = []
    for i, name in enumerate(LANDMARK_NAMES):
        lm = lms[i]
        w = world[i] if world is not None else None
        presences.append(_score(lm.presence))
        landmarks[name] = Landmark(
            x_norm=float(lm.x),
            y_norm=float(lm.y),
            z_norm=float(lm.z or 0.0),
            visibility=_score(lm.visibility),
            world_m=(float(w.x), float(w.y), float(w.z)) if w is not None else None,
            provenance=Provenance.DETECTED,
        )
    return PoseFrame(
        landmarks=landmarks,
        image_width_px=width,
        image_height_px=height,
        time_s=time_s,
        detection_confidence=float(np.mean(presences)),
        source=source,
    )
