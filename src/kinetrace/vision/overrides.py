"""Manual corrections for photos: landmark positions, a vertical reference, a known distance.

The JSON maps a photo's file name to its corrections, in that photo's pixels (x right, y down)::

    {"side.jpg": {"left_ear": [412, 230],
                  "_vertical": [[100, 50], [104, 1500]],
                  "_scale": {"a": [50, 200], "b": [50, 1200], "mm": 1000}}}

Landmark keys are BlazePose names; an edited landmark gets visibility 1 and provenance "edited".
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinetrace.errors import InputError, NotFoundError
from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame, Provenance

__all__ = ["PhotoOverrides", "apply_landmarks", "load_overrides", "parse_overrides"]

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class PhotoOverrides:
    """Corrections for one photo."""

    landmarks: dict[str, Point] = dataclasses.field(default_factory=dict)
    vertical: tuple[Point, Point] | None = None
    scale_points: tuple[Point, Point] | None = None
    scale_mm: float | None = None

    def roll_deg(self) -> float | None:
        """Camera roll from the vertical reference: how far a true vertical leans clockwise in the photo."""
        if self.vertical is None:
            return None
        (x1, y1), (x2, y2) = self.vertical
        top, bottom = ((x1, y1), (x2, y2)) if y1 < y2 else ((x2, y2), (x1, y1))
        return math.degrees(math.atan2(top[0] - bottom[0], bottom[1] - top[1]))


def _point(value: Any, field: str) -> Point:
    ok = isinstance(value, list | tuple) and len(value) == 2
    if not ok or not all(isinstance(v, int | float) and math.isfinite(v) for v in value):
        raise InputError(field, value, "[x_px, y_px] with two finite numbers")
    return float(value[0]), float(value[1])


def _one(photo: str, raw: Any) -> PhotoOverrides:
    if not isinstance(raw, Mapping):
        raise InputError(f"overrides.{photo}", raw, "an object of {landmark: [x_px, y_px]}")
    marks: dict[str, Point] = {}
    vertical = scale_points = None
    scale_mm = None
    for key, value in raw.items():
        field = f"overrides.{photo}.{key}"
        if key == "_vertical":
            if not isinstance(value, list) or len(value) != 2:
                raise InputError(field, value, "two points [[x, y], [x, y]] on a true vertical")
            vertical = (_point(value[0], field), _point(value[1], field))
        elif key == "_scale":
            if not isinstance(value, Mapping) or set(value) != {"a", "b", "mm"}:
                raise InputError(field, value, '{"a": [x, y], "b": [x, y], "mm": distance}')
            scale_points = (_point(value["a"], f"{field}.a"), _point(value["b"], f"{field}.b"))
            if not isinstance(value["mm"], int | float) or value["mm"] <= 0:
                raise InputError(f"{field}.mm", value["mm"], "a positive distance in mm")
            scale_mm = float(value["mm"])
        elif key in LANDMARK_NAMES:
            marks[key] = _point(value, field)
        else:
            raise InputError(field, key, "a BlazePose landmark name (e.g. left_ear), _vertical or _scale")
    return PhotoOverrides(landmarks=marks, vertical=vertical, scale_points=scale_points, scale_mm=scale_mm)


def parse_overrides(data: Any) -> dict[str, PhotoOverrides]:
    """Validate an overrides mapping {photo file name: corrections}."""
    if not isinstance(data, Mapping):
        raise InputError("overrides", type(data).__name__, "an object keyed by photo file name")
    return {str(photo): _one(str(photo), raw) for photo, raw in data.items()}


def load_overrides(path: str | Path) -> dict[str, PhotoOverrides]:
    """Read and validate an overrides JSON file."""
    p = Path(path)
    if not p.is_file():
        raise NotFoundError("landmarks", str(path), "an existing JSON file")
    try:
        data = json.loads(p.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("landmarks", p.name, f"valid JSON ({exc})") from exc
    return parse_overrides(data)


def apply_landmarks(frame: PoseFrame, marks: Mapping[str, Point]) -> PoseFrame:
    """Return the frame with the given landmarks moved to pixel positions, marked "edited"."""
    if not marks:
        return frame
    landmarks = dict(frame.landmarks)
    for name, (x_px, y_px) in marks.items():
        old = landmarks.get(name)
        landmarks[name] = Landmark(
            x_norm=x_px / frame.image_width_px,
            y_norm=y_px / frame.image_height_px,
            z_norm=old.z_norm if old else 0.0,
            visibility=1.0,
            world_m=None,
            provenance=Provenance.EDITED,
        )
    return dataclasses.replace(frame, landmarks=landmarks)
