"""Bridge to the photo engineer's `kinetrace.vision.photo`: one photo in, landmarks and case findings out."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinetrace.errors import MediaError

__all__ = ["PhotoAnalysis", "analyse_photo", "photo_analysis_available"]


@dataclass(frozen=True)
class PhotoAnalysis:
    """Landmarks (normalised points) and findings in case format from one photo."""

    landmarks: dict[str, Any]
    findings: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _photo_module() -> Any:
    try:
        return importlib.import_module("kinetrace.vision.photo")
    except ImportError:
        return None


def photo_analysis_available() -> bool:
    """Return True when the pose-based photo analysis is installed."""
    module = _photo_module()
    return module is not None and hasattr(module, "analyse_photos")


def analyse_photo(path: Path, *, view: str, original_name: str) -> PhotoAnalysis:
    """Run pose analysis on one photo; raise MediaError with a plain message when it cannot be used."""
    module = _photo_module()
    if module is None or not hasattr(module, "analyse_photos"):
        raise MediaError(
            original_name,
            None,
            message=f"{original_name}: photo analysis is not installed here; enter the measurements by hand.",
        )
    outcome = module.analyse_photos({view: path})
    return PhotoAnalysis(
        landmarks=_landmarks_of(outcome),
        findings=dict(getattr(outcome, "findings", {}) or {}),
        warnings=list(getattr(outcome, "warnings", []) or []),
    )


def _landmarks_of(outcome: Any) -> dict[str, Any]:
    points = []
    width = height = 0
    for frame in _frames(outcome):
        width, height = frame.image_width_px, frame.image_height_px
        points = [
            {"name": n, "x": lm.x_norm, "y": lm.y_norm, "visibility": lm.visibility}
            for n, lm in frame.landmarks.items()
        ]
    return {"width": width, "height": height, "points": points}


def _frames(outcome: Any) -> list[Any]:
    frames = getattr(outcome, "frames", None) or getattr(outcome, "poses", None)
    if isinstance(frames, dict):
        return list(frames.values())
    return list(frames or [])
