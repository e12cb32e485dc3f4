"""Posture from photos, end to end: decode → pose → view → metrics → summary → findings (→ annotated images).

`analyse_photos` processes each photo on its own: a photo that cannot be used (not an image, corrupt, too
large, no person) is recorded with one clear message and the others are still processed. The result holds the
per-photo measurements, the per-metric summaries (photos averaged, spread kept), findings in the case format
(docs/contracts.md) and every warning. `photo_findings` returns just the findings, for `kinetrace assess
--photos`.

Example::

    analysis = analyse_photos(["front.jpg", "side.jpg"], height_cm=172, annotate_dir="out/")
    case_findings.update(analysis.findings)
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import numpy as np

from kinetrace.errors import InputError, MediaError
from kinetrace.knowledge import KnowledgeBase
from kinetrace.metrics.capture import GateCheck, check_capture, refusals
from kinetrace.metrics.catalogue import Catalogue, View, load_catalogue
from kinetrace.metrics.pose import PoseFrame
from kinetrace.metrics.posture import Measurement, measure_posture
from kinetrace.metrics.posture_summary import (
    MetricSummary,
    checked_findings,
    review_entries,
    summarise_measurements,
)
from kinetrace.metrics.scale import Scale, scale_from_distance, scale_from_height
from kinetrace.metrics.views import ViewGuess, detect_view, match_labels_to_view
from kinetrace.vision.image import Photo, load_photo, load_photo_full
from kinetrace.vision.overrides import PhotoOverrides, apply_landmarks, load_overrides
from kinetrace.vision.pose import PoseEstimator, main_person

__all__ = ["PhotoAnalysis", "PhotoResult", "analyse_photos", "photo_findings"]

log = logging.getLogger(__name__)

VIEWS: tuple[str, ...] = get_args(View)
# Below this height (decoded pixels) the person is looked for again in a full-size decode: the landmark model
# reads a 256-pixel crop, which needs at least as many pixels of the person.
_MIN_PERSON_PX = 256


@dataclass(frozen=True, slots=True)
class PhotoResult:
    """What happened to one photo: its view, gates, warnings and measurements, or why it failed."""

    source: str
    ok: bool
    error: str = ""
    view: str | None = None
    view_given: str | None = None
    view_detected: ViewGuess | None = None
    people_detected: int = 0
    labels_swapped: bool = False
    roll_deg: float = 0.0
    roll_basis: str = "none"
    scale: Scale | None = None
    measurements: tuple[Measurement, ...] = ()
    warnings: tuple[str, ...] = ()
    annotated: Path | None = None
    frame: PoseFrame | None = None
    gates: tuple[GateCheck, ...] = ()

    @property
    def refused_by(self) -> tuple[GateCheck, ...]:
        """The capture gates that refused this photo (empty when it was measured)."""
        return refusals(self.gates)


@dataclass(frozen=True, slots=True)
class PhotoAnalysis:
    """All photos: per-photo results, per-metric summaries, case findings and warnings."""

    photos: tuple[PhotoResult, ...]
    metrics: tuple[MetricSummary, ...]
    findings: dict[str, dict[str, Any]]
    warnings: tuple[str, ...]
    model: str
    annotated: tuple[Path, ...] = field(default=())
    review: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failures(self) -> tuple[PhotoResult, ...]:
        """The photos that could not be used."""
        return tuple(p for p in self.photos if not p.ok)


def _views_for(paths: Sequence[Path], views: Sequence[str | None] | Mapping[str, str] | str | None) -> list[str | None]:
    if views is None:
        given: list[str | None] = [None] * len(paths)
    elif isinstance(views, str):
        given = [views] * len(paths)
    elif isinstance(views, Mapping):
        given = [views.get(p.name, views.get(str(p))) for p in paths]
    else:
        seq = list(views)
        if len(seq) == 1:
            seq = seq * len(paths)
        if len(seq) != len(paths):
            raise InputError("view", seq, f"one view for all photos or one per photo ({len(paths)})")
        given = seq
    for v in given:
        if v is not None and v not in VIEWS:
            raise InputError("view", v, f"one of {', '.join(VIEWS)}")
    return given


def analyse_photos(
    paths: Sequence[str | Path],
    *,
    views: Sequence[str | None] | Mapping[str, str] | str | None = None,
    height_cm: float | None = None,
    overrides: Mapping[str, PhotoOverrides] | str | Path | None = None,
    annotate_dir: str | Path | None = None,
    blur_faces: bool = False,
    estimator: PoseEstimator | None = None,
    catalogue: Catalogue | None = None,
    knowledge: KnowledgeBase | None = None,
) -> PhotoAnalysis:
    """Measure posture on each photo, combine the photos and return metrics, findings and warnings.

    Args:
        paths: photo files (JPEG, PNG, ...).
        views: "front", "back", "left" or "right" for all photos, one per photo, a {file name: view} mapping,
            or None to detect each view from the landmarks.
        height_cm: the person's standing height, for distances in mm.
        overrides: corrections per photo file name (see `vision.overrides`), or a JSON file of them.
        annotate_dir: where to write annotated copies (no EXIF); None writes none.
        blur_faces: blur faces in the annotated copies.
        estimator: a pose back end; by default `vision.backends.pose_estimator("photo")` (MediaPipe heavy, image
            mode, up to 2 people).
        catalogue: the metric catalogue; by default the shipped one.
        knowledge: the knowledge base, whose plausible ranges keep implausible values out of the findings;
            by default the shipped one.

    Raises:
        InputError: for bad arguments (unknown view, height out of range, malformed overrides). Problems with
            single photos do not raise; they are in `PhotoResult.error`.
    """
    cat = catalogue or load_catalogue()
    files = [Path(p) for p in paths]
    if not files:
        raise InputError("photos", [], "at least one photo")
    given = _views_for(files, views)
    fixes = load_overrides(overrides) if isinstance(overrides, str | Path) else dict(overrides or {})
    if height_cm is not None and not 50.0 <= height_cm <= 250.0:
        raise InputError("height_cm", height_cm, "a standing height between 50 and 250 cm")
    own = estimator is None
    if estimator is None:
        from kinetrace.vision.backends import pose_estimator

        estimator = pose_estimator("photo")
    annotate = Path(annotate_dir) if annotate_dir else None
    try:
        results = []
        # Decode the next photo and search its background lines while the pose model works on this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_prepare, files[0])
            for i, (f, view) in enumerate(zip(files, given, strict=True)):
                prepared = pending.result()
                if i + 1 < len(files):
                    pending = pool.submit(_prepare, files[i + 1])
                results.append(_analyse_one(f, prepared, view, estimator, cat, height_cm=height_cm,
                                            fixes=fixes.get(f.name) or fixes.get(str(f)), annotate_dir=annotate,
                                            blur_faces=blur_faces))
        model = estimator.describe()
    finally:
        if own:
            estimator.close()
    return _combine(results, cat, model, _valid_ranges(knowledge))


def _valid_ranges(knowledge: KnowledgeBase | None) -> dict[str, tuple[float | None, float | None]]:
    """Plausible value range per test id, from the knowledge base (loaded once and cached if not given)."""
    from kinetrace.knowledge import load_knowledge

    kb = knowledge if knowledge is not None else load_knowledge()
    return {tid: (t.valid_range.min, t.valid_range.max) for tid, t in kb.tests.items() if t.valid_range is not None}


def _combine(results: list[PhotoResult], cat: Catalogue, model: str,
             ranges: dict[str, tuple[float | None, float | None]]) -> PhotoAnalysis:
    measurements = [m for r in results for m in r.measurements]
    summaries = summarise_measurements(measurements, cat)
    findings, implausible = checked_findings(summaries, cat, ranges)
    review = review_entries(summaries, cat)
    warnings = [f"{r.source}: {w}" for r in results for w in r.warnings]
    warnings += [f"{r.source}: refused, not measured: {c.message}" for r in results for c in r.refused_by]
    warnings += [f"not used: {r.error}" for r in results if not r.ok]
    warnings += [f"{s.metric_id}: needs review, kept out of the findings: {s.reason}" for s in summaries if s.review]
    return PhotoAnalysis(photos=tuple(results), metrics=summaries, findings=findings,
                         warnings=(*warnings, *implausible), model=model,
                         annotated=tuple(r.annotated for r in results if r.annotated is not None), review=review)


def _detect(photo: Photo, estimator: PoseEstimator) -> tuple[Photo, PoseFrame]:
    """Find every person and pick the main one; a person small in a reduced decode is looked for again at full
    size, and nobody or only small people found brings a second pass on overlapping crops (vision.people)."""
    from kinetrace.vision.people import find_people

    frame = main_person(find_people(estimator, photo.rgb, source=photo.source)[0])
    reduced = photo.full_height_px > photo.height_px
    if reduced and (frame is None or _person_height_px(frame, photo.height_px) < _MIN_PERSON_PX):
        photo = dataclasses.replace(photo, rgb=load_photo_full(photo))
        frame = main_person(find_people(estimator, photo.rgb, source=photo.source)[0])
    if frame is None:
        raise MediaError("photo", photo.source, message=f"{photo.source}: no person was found")
    # Normalised landmarks hold at any resolution: report pixels of the full-size photo.
    return photo, dataclasses.replace(frame, image_width_px=photo.full_width_px or photo.width_px,
                                      image_height_px=photo.full_height_px or photo.height_px)


def _person_height_px(frame: PoseFrame, image_height_px: int) -> float:
    ys = [lm.y_norm for lm in frame.landmarks.values()]
    return (max(ys) - min(ys)) * image_height_px


def _prepare(path: Path) -> tuple[Photo | MediaError, np.ndarray]:
    """Decode a photo and find its near-vertical background lines (no landmarks needed)."""
    from kinetrace.vision.roll import near_vertical_segments

    try:
        photo = load_photo(path)
    except MediaError as exc:
        return exc, np.zeros((0, 5))
    return photo, near_vertical_segments(photo.rgb)


def _analyse_one(path: Path, prepared: tuple[Photo | MediaError, np.ndarray], view_given: str | None,
                 estimator: PoseEstimator, cat: Catalogue, *, height_cm: float | None,
                 fixes: PhotoOverrides | None, annotate_dir: Path | None, blur_faces: bool) -> PhotoResult:
    photo, segments = prepared
    model = estimator.describe()  # each ± is this model's validated error
    try:
        if isinstance(photo, MediaError):
            raise photo
        photo, frame = _detect(photo, estimator)
    except MediaError as exc:
        log.info("photo not used: %s", exc)
        return PhotoResult(source=path.name, ok=False, error=str(exc), view_given=view_given)
    fixes = fixes or PhotoOverrides()
    frame = apply_landmarks(frame, fixes.landmarks)
    warnings: list[str] = []
    view, guess = _settle_view(frame, view_given, cat, warnings)
    swapped = False
    if view is not None:
        frame, swapped = match_labels_to_view(frame, view)
        if swapped:
            warnings.append(f"left/right landmark labels were swapped to match the {view} view")
    roll, roll_basis, roll_seen = _roll(segments, frame, fixes, cat, warnings)
    scale = _scale(frame, fixes, height_cm, cat, roll, warnings)
    gates = check_capture(frame, view, cat, roll_deg=roll_seen, people_detected=frame.people_detected,
                          view_detected=guess.view)
    refused = refusals(gates)
    warnings += [c.message for c in gates if not c.passed and not c.refused and c.gate != "people"]
    if refused:
        reason = "photo refused by capture gate " + "; ".join(c.message for c in refused)
        measurements = measure_posture(frame, view, cat, scale=scale, roll_deg=roll, refused=reason, model=model)
    else:
        measurements = measure_posture(frame, view, cat, scale=scale, roll_deg=roll, model=model)
    result = PhotoResult(
        source=photo.source,
        ok=True,
        view=view,
        view_given=view_given,
        view_detected=guess,
        people_detected=frame.people_detected,
        labels_swapped=swapped,
        roll_deg=roll,
        roll_basis=roll_basis,
        scale=scale,
        measurements=measurements,
        warnings=tuple(warnings),
        frame=frame,
        gates=gates,
    )
    if annotate_dir is not None:
        from kinetrace.vision.annotate import write_annotated

        result = dataclasses.replace(
            result, annotated=write_annotated(path, result, annotate_dir, blur_faces=blur_faces)
        )
    return result


def _settle_view(
    frame: PoseFrame, given: str | None, cat: Catalogue, warnings: list[str]
) -> tuple[View | None, ViewGuess]:
    guess = detect_view(frame, cat)
    if frame.people_detected > 1:
        warnings.append(
            f"{frame.people_detected} people found; the largest (person {frame.person_index + 1}) was measured"
        )
    if given is None:
        if guess.view is None:
            warnings.append(f"view not detected: {guess.reason}")
        return guess.view, guess
    if guess.view is not None and guess.view != given:
        warnings.append(f"view given as {given} but the landmarks suggest {guess.view} ({guess.reason})")
    return given, guess  # type: ignore[return-value]


def _roll(segments: np.ndarray, frame: PoseFrame, fixes: PhotoOverrides, cat: Catalogue,
          warnings: list[str]) -> tuple[float, str, float | None]:
    """The roll to correct by, its basis, and the uncorrected roll seen in the background (for the gate)."""
    given = fixes.roll_deg()
    limit = cat.quality.roll_warning_deg
    if given is not None:
        if abs(given) > limit:
            warnings.append(f"camera roll {given:+.1f}° from the vertical reference was corrected")
        return given, "vertical reference", None
    from kinetrace.vision.roll import roll_from_segments

    est = roll_from_segments(segments, frame)
    if est is not None and abs(est.roll_deg) > limit:
        warnings.append(
            f"background verticals lean {est.roll_deg:+.1f}° ({est.n_lines} lines): the camera may "
            "be rolled; frontal tilts were not corrected (give a vertical reference to correct)"
        )
    return 0.0, "none", None if est is None else est.roll_deg


def _scale(
    frame: PoseFrame, fixes: PhotoOverrides, height_cm: float | None, cat: Catalogue, roll: float, warnings: list[str]
) -> Scale | None:
    if fixes.scale_points is not None and fixes.scale_mm is not None:
        return scale_from_distance(fixes.scale_points[0], fixes.scale_points[1], fixes.scale_mm)
    if height_cm is None:
        return None
    scale = scale_from_height(frame, height_cm, cat, roll_deg=roll)
    if scale is None:
        warnings.append("no mm scale: the eyes and feet must be visible to use the height")
    return scale


def photo_findings(paths: Sequence[str | Path], **options: Any) -> dict[str, dict[str, Any]]:
    """Return case findings from photos (see `analyse_photos` for the options).

    Raises:
        MediaError: if no photo could be used; the message lists each photo's problem.
    """
    analysis = analyse_photos(paths, **options)
    if not any(p.ok for p in analysis.photos):
        raise MediaError(
            "photos", None, message="no photo could be used: " + "; ".join(p.error for p in analysis.failures)
        )
    return analysis.findings
