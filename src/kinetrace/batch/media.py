"""Photos and videos that go with a case in a batch: measure them on the worker and merge their findings.

On a Dask worker the pose model for photos is loaded once per worker thread (one thread per process on a
LocalCluster) and kept until the worker closes (`close_pose_models`, called by the batch's worker plugin).
Outside a worker each call loads and closes its own, as `analyse_photos` does by default. Video estimators
run in video mode, whose timestamps must rise within one clip, so each clip gets a fresh one (as in `assess`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kinetrace.vision.pose import PoseEstimator

__all__ = [
    "CaptureSpec",
    "CaseMedia",
    "MediaFindings",
    "VideoSpec",
    "close_pose_models",
    "measure_media",
    "merge_findings",
]

_local = threading.local()
_opened: list[PoseEstimator] = []  # every cached estimator of this process, for `close_pose_models`
_opened_lock = threading.Lock()


@dataclass(frozen=True)
class VideoSpec:
    """One movement clip and the movement test it shows (e.g. `single_leg_stance`)."""

    path: str
    test: str


@dataclass(frozen=True)
class CaptureSpec:
    """One multi-camera 3-D trial (issue 13): synchronised clips, their calibration and the test they show."""

    videos: tuple[str, ...]
    calibration: str
    test: str


@dataclass(frozen=True)
class CaseMedia:
    """The photos and clips to measure for one case before it is assessed.

    `height_cm` is the person's standing height, which photo measures need to give translations in mm.
    """

    photos: tuple[str, ...] = ()
    videos: tuple[VideoSpec, ...] = ()
    height_cm: float | None = None
    captures: tuple[CaptureSpec, ...] = ()

    def __bool__(self) -> bool:
        """True when there is anything to measure."""
        return bool(self.photos or self.videos or self.captures)


@dataclass(frozen=True)
class MediaFindings:
    """Findings measured on a case's media (case format, keyed by test id), what they came from, and warnings."""

    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def measure_media(media: CaseMedia) -> MediaFindings:
    """Measure every photo (together) and every clip (one by one) and gather their findings.

    Raises:
        InputError: an unknown movement test; NotFoundError or MediaError for a missing or unusable clip.
            A single unusable photo does not raise; it is listed in the warnings.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    sources: list[str] = []
    warnings: list[str] = []
    if media.photos:
        from kinetrace.vision.photo import analyse_photos

        photos = analyse_photos(list(media.photos), height_cm=media.height_cm, estimator=_photo_estimator())
        from kinetrace.intake.merge import add_photo_spread
        from kinetrace.metrics.catalogue import load_catalogue

        catalogue = load_catalogue()
        per_photo = [
            (
                catalogue.metric(s.metric_id).test_id,
                [m.value for m in s.measurements if m.value is not None and m.unit == s.unit],
            )
            for s in photos.metrics
        ]
        _gather(found, add_photo_spread(photos.findings, per_photo))
        _gather(found, photos.review)  # flagged "needs review": shown by the assessment, never evidence
        sources.append(f"{len(media.photos)} photo(s)")
        warnings += photos.warnings
    for clip in media.videos:
        from kinetrace.vision.video import analyse_video

        movement = analyse_video(clip.path, clip.test, progress=False)
        _gather(found, movement.findings)
        sources.append(f"video {Path(clip.path).name} ({clip.test})")
        warnings += (f"{Path(clip.path).name}: {w}" for w in movement.warnings)
    for trial in media.captures:  # 3-D capture: nothing written, findings only (method multi_camera_3d)
        from kinetrace.capture.pipeline import run_capture

        captured = run_capture(list(trial.videos), trial.calibration, trial.test, None)
        _gather(found, captured.findings)
        sources.append(f"3-D capture of {len(trial.videos)} cameras ({trial.test})")
        warnings += (f"3-D capture ({trial.test}): {note}" for note in captured.notes)
    return MediaFindings(findings=found, sources=tuple(sources), warnings=tuple(warnings))


def merge_findings(case_data: Mapping[str, Any], measured: MediaFindings) -> dict[str, Any]:
    """Return a copy of the case data with the measured findings added beside any entered for the same test
    (`intake.merge.merge_findings`)."""
    from kinetrace.intake.merge import merge_findings as merge

    return merge(case_data, measured.findings, source=", ".join(measured.sources))


def _gather(found: dict[str, list[dict[str, Any]]], findings: Mapping[str, Any]) -> None:
    for test_id, entry in findings.items():
        found.setdefault(test_id, []).extend(entry if isinstance(entry, list) else [entry])


def close_pose_models() -> None:
    """Close every pose model cached by this process's worker threads (safe to call twice)."""
    with _opened_lock:
        while _opened:
            _opened.pop().close()


def _photo_estimator() -> PoseEstimator | None:
    """Return this worker thread's photo pose model, loading it on first use; None outside a Dask worker."""
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return None
    estimator: PoseEstimator | None = getattr(_local, "photo_estimator", None)
    if estimator is None:
        from kinetrace.vision.backends import pose_estimator

        estimator = pose_estimator("photo")  # the settings analyse_photos uses
        _local.photo_estimator = estimator
        with _opened_lock:
            _opened.append(estimator)
    return estimator
