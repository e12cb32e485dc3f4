"""Bridge to `kinetrace.vision.photo`: one stored photo in, landmarks and case findings out.

Landmarks the clinician dragged are passed back to the photo analysis as overrides (in pixels), so the
findings are recomputed from the edited points by the same code.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinetrace.errors import MediaError

__all__ = ["PhotoAnalysis", "analyse_capture", "analyse_clip", "analyse_photo", "movement_tests"]


@dataclass(frozen=True)
class PhotoAnalysis:
    """Landmarks (normalised points), findings in case format and warnings from one photo."""

    landmarks: dict[str, Any]
    findings: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _overrides(path: Path, edited: dict[str, Any] | None) -> dict[str, Any] | None:
    if not edited or not edited.get("points") or not edited.get("width"):
        return None
    from kinetrace.vision.overrides import PhotoOverrides

    w, h = float(edited["width"]), float(edited["height"])
    marks = {str(p["name"]): (float(p["x"]) * w, float(p["y"]) * h) for p in edited["points"]}
    return {path.name: PhotoOverrides(landmarks=marks)}


def analyse_photo(path: Path, *, view: str, original_name: str, edited: dict[str, Any] | None = None) -> PhotoAnalysis:
    """Run pose analysis on one photo; raise MediaError with the analysis' own message when it cannot be used."""
    from kinetrace.vision.photo import analyse_photos

    analysis = analyse_photos([path], views=None if view == "auto" else view, overrides=_overrides(path, edited))
    result = analysis.photos[0]
    if not result.ok or result.frame is None:
        reason = (result.error or "no person detected").replace(path.name, original_name)
        raise MediaError(original_name, None, message=f"{original_name}: {reason}")
    frame = result.frame
    landmarks = {
        "width": frame.image_width_px,
        "height": frame.image_height_px,
        "view": result.view,
        "points": [
            {"name": n, "x": lm.x_norm, "y": lm.y_norm, "visibility": lm.visibility, "provenance": str(lm.provenance)}
            for n, lm in frame.landmarks.items()
        ],
    }
    findings = {}
    for test_id, entry in analysis.findings.items():
        findings[test_id] = {**entry, "source": f"photo:{original_name}"} if isinstance(entry, dict) else entry
    warnings = [w.replace(path.name, original_name) for w in analysis.warnings]
    return PhotoAnalysis(landmarks=landmarks, findings=findings, warnings=warnings)


@functools.cache
def movement_tests() -> dict[str, str]:
    """Return {movement test id: name} for the video tests the movement analysis knows."""
    from kinetrace.metrics.movement.spec import load_movement_specs

    return {test_id: spec.name for test_id, spec in load_movement_specs().tests.items()}


def analyse_clip(path: Path, *, test: str, original_name: str, age: int | None = None) -> PhotoAnalysis:
    """Run one movement test on a video; findings in case format (no landmarks to review)."""
    from kinetrace.vision.video import analyse_video

    try:
        analysis = analyse_video(path, test, progress=False, age=age)
    except MediaError as exc:
        raise MediaError(original_name, None, message=exc.message.replace(path.name, original_name)) from exc
    findings = {}
    for test_id, entry in analysis.findings.items():
        findings[test_id] = {**entry, "source": f"video:{original_name}"} if isinstance(entry, dict) else entry
    warnings = [w.replace(path.name, original_name) for w in analysis.warnings]
    return PhotoAnalysis(landmarks={}, findings=findings, warnings=warnings)


def _private_tree(folder: Path) -> None:
    """Make the pipeline's outputs readable only by the server's user, like every other upload."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def analyse_capture(folder: Path, *, progress: Callable[[float], None] | None = None) -> PhotoAnalysis:
    """Run the 3-D pipeline on a stored multi-camera capture (`web.captures`); outputs go to `folder/out`.

    A gate refusal is a MediaError whose message starts with `gate <name>:`.
    """
    from kinetrace.capture.pipeline import run_capture
    from kinetrace.web.captures import capture_request

    request = capture_request(folder)
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)  # a run cut off by a restart starts again from nothing
    sync = request.get("sync")
    result = run_capture(
        [folder / v for v in request["videos"]],
        folder / request["calibration"],
        request["test"],
        out,
        sync=None if sync is None else sync if sync == "auto" else folder / sync,
        max_frames=request.get("max_frames"),
        progress=progress,
    )
    _private_tree(out)
    notes = []
    if not result.findings:
        notes.append(
            f"The {request['test'].replace('_', ' ')} capture measured no knowledge-base test; its "
            "angles are in the plot and files."
        )
    return PhotoAnalysis(landmarks={}, findings=dict(result.findings), warnings=notes)
