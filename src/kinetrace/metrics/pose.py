"""Core pose types: what every pose back end returns and every metric reads.

Coordinates are normalised image coordinates (`x_norm`, `y_norm` in [0, 1], y pointing down, as most image
libraries) plus the image size in pixels, so metrics can work in pixels with square geometry. World
coordinates (metres, hip-centred) are kept when the model gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["BODY_BONES", "LANDMARK_NAMES", "Landmark", "LandmarkName", "PoseFrame", "PoseSequence", "Provenance"]

# BlazePose's 33 landmarks, in model order.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)

# The stick figure drawn on pictures (annotated photos, 3-D stick figures): trunk, arms, legs and feet.
BODY_BONES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"),
    ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"),
)

LandmarkName = StrEnum("LandmarkName", {n.upper(): n for n in LANDMARK_NAMES})  # type: ignore[misc]


class Provenance(StrEnum):
    """Where a landmark position came from."""

    DETECTED = "detected"
    EDITED = "edited"
    INTERPOLATED = "interpolated"
    SYNTHETIC = "synthetic"
    IMPORTED = "imported"


@dataclass(frozen=True, slots=True)
class Landmark:
    """One landmark: normalised image position, visibility in [0, 1], optional world position in metres."""

    x_norm: float
    y_norm: float
    z_norm: float = 0.0
    visibility: float = 1.0
    world_m: tuple[float, float, float] | None = None
    provenance: Provenance = Provenance.DETECTED


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """The landmarks of one person in one image or video frame."""

    landmarks: dict[str, Landmark]
    image_width_px: int
    image_height_px: int
    time_s: float = 0.0
    detection_confidence: float = 1.0
    source: str = ""
    person_index: int = 0
    people_detected: int = 1

    def point_px(self, name: str) -> tuple[float, float]:
        """Return the landmark's position in pixels (x right, y down)."""
        lm = self.landmarks[name]
        return lm.x_norm * self.image_width_px, lm.y_norm * self.image_height_px


@dataclass(frozen=True, slots=True)
class PoseSequence:
    """Frames of one person over time, with where they came from and which model produced them."""

    frames: tuple[PoseFrame, ...]
    fps: float
    source: str = ""
    model: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
