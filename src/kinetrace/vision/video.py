"""Movement tests from a video clip: decode, track the main person, run the movement core, write the outputs.

`analyse_video(path, test)` checks the clip first (readable, really a video, not far longer than the test needs),
decodes it on a reader thread while the pose model runs in video mode (tracking between frames), follows the
main person when others pass through, hands the pose sequence to `kinetrace.metrics.movement`, and, when
`out_dir` is given, writes every output into a temporary folder that is renamed into place only when complete.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kinetrace.errors import InputError, MediaError, NotFoundError
from kinetrace.metrics.movement import MovementMetric, MovementResult, analyse_movement
from kinetrace.metrics.movement.spec import MovementSpecs, View, load_movement_specs
from kinetrace.metrics.pose import PoseFrame, PoseSequence
from kinetrace.vision._tracking import PeopleTracker
from kinetrace.vision.pose import PoseEstimator

__all__ = [
    "MovementAnalysis",
    "VideoInfo",
    "analyse_video",
    "check_length",
    "FrameReader",
    "decode_frames",
    "probe_video",
    "track_person",
]

log = logging.getLogger(__name__)

_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".heic", ".gif"}
_THUMB_HEIGHT_PX = 320  # contact-sheet tiles are kept small while decoding
_THUMB_RAW_BUDGET_BYTES = 256 * 2**20  # beyond this for the whole clip, tiles are kept as JPEG instead of pixels


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the container says about a clip."""

    path: Path
    frame_count: int
    fps: float
    width_px: int
    height_px: int

    @property
    def duration_s(self) -> float:
        """Clip length in seconds."""
        return self.frame_count / self.fps


@dataclass(frozen=True, slots=True)
class MovementAnalysis:
    """The result of one movement test on one clip: metrics, findings (case format), warnings and outputs."""

    test: str
    video: Path
    view: View
    side: str
    metrics: tuple[MovementMetric, ...]
    findings: dict[str, dict[str, Any]]
    warnings: tuple[str, ...]
    swaps_corrected: int
    frames: int
    frames_with_person: int
    model: str
    result: MovementResult
    outputs: dict[str, Path] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)


def _open(path: Path, *, decoder_threads: int | None = None) -> Any:
    """Open a clip with OpenCV; `decoder_threads` (FFmpeg only) caps the decoder's threads (None: its choice)."""
    import cv2

    cap = None
    if decoder_threads is not None:
        cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, decoder_threads])
        if not cap.isOpened():
            cap.release()
            cap = None
    if cap is None:
        cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise MediaError("video", path.name, message=f"{path.name}: cannot be opened as a video (corrupt or an "
                         "unsupported format); export it again as MP4 (H.264)")
    return cap


def probe_video(path: str | Path) -> VideoInfo:
    """Check that `path` is a readable video clip and return its frame count, frame rate and size.

    Raises:
        NotFoundError: the file does not exist.
        MediaError: a still image, an unreadable or corrupt file, or no decodable frame.
    """
    import cv2

    p = Path(path)
    if not p.is_file():
        raise NotFoundError("video", str(path), message=f"{path}: file not found")
    if p.suffix.lower() in _IMAGE_SUFFIXES or cv2.haveImageReader(str(p)):
        raise MediaError("video", p.name, message=f"{p.name}: this is a still image, not a video; film the "
                         "movement, or use `kinetrace posture` for photos")
    cap = _open(p)
    try:
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        ok, frame = cap.read()
    finally:
        cap.release()
    if not ok or frame is None:
        raise MediaError("video", p.name, message=f"{p.name}: no frame could be decoded (corrupt or truncated "
                         "video); export it again as MP4 (H.264)")
    if count <= 1:
        raise MediaError("video", p.name, message=f"{p.name}: holds a single frame, i.e. a still image; film the "
                         "movement, or use `kinetrace posture` for photos")
    if not 1.0 <= fps <= 1000.0:
        raise MediaError("video", p.name, message=f"{p.name}: frame rate {fps:g} is not usable; expected 1–1000 "
                         "frames per second")
    return VideoInfo(p, count, fps, int(frame.shape[1]), int(frame.shape[0]))


def check_length(info: VideoInfo, test: str, specs: MovementSpecs) -> None:
    """Refuse clips far longer (or shorter) than the test needs, before any decoding work.

    Raises:
        MediaError: the clip is outside the test's `min_duration_s`…`max_duration_s`.
    """
    spec = specs.test(test)
    name = info.path.name
    if info.duration_s > spec.max_duration_s:
        raise MediaError("video", name, message=f"{name}: the clip is {info.duration_s:.0f} s long; {spec.name} "
                         f"needs at most {spec.max_duration_s:g} s. Trim it to the test and try again")
    if info.duration_s < spec.min_duration_s:
        raise MediaError("video", name, message=f"{name}: the clip is {info.duration_s:.1f} s long; {spec.name} "
                         f"needs at least {spec.min_duration_s:g} s")


@dataclass(frozen=True, slots=True)
class _Decoded:
    index: int
    rgb: np.ndarray
    thumb: np.ndarray | bytes | None


def _thumbnail(bgr: np.ndarray, *, as_jpeg: bool) -> np.ndarray | bytes:
    """A small copy of one frame for the contact sheet: BGR pixels, or a JPEG when the clip is long.

    Bilinear resizing: area averaging costs ten times more, and this runs on every frame.
    """
    import cv2

    h, w = bgr.shape[:2]
    scale = min(1.0, _THUMB_HEIGHT_PX / h)
    small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_LINEAR)
    if as_jpeg:
        return bytes(cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
    return small


class FrameReader:
    """Decodes a clip on a background thread from the moment it is created (so decoding overlaps model loading).

    Iterate once to get `_Decoded` items (full-size RGB frame and a small thumbnail); `close()` (or leaving
    the `with` block) stops the thread. A decoding error is re-raised in the consuming thread.
    """

    def __init__(self, info: VideoInfo, *, thumbnails: bool = True) -> None:
        self._info = info
        self._thumbnails = thumbnails
        tile_bytes = _THUMB_HEIGHT_PX**2 * 3 * max(info.width_px / info.height_px, 1.0)
        self._as_jpeg = info.frame_count * tile_bytes > _THUMB_RAW_BUDGET_BYTES
        self._queue: queue.Queue[_Decoded | BaseException | None] = queue.Queue(maxsize=8)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="kinetrace-video-reader", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        import cv2

        cap = None
        try:
            # One decoding thread: it keeps well ahead of the pose model (a few ms per frame against tens), and
            # FFmpeg's frame threads only add CPU time that the model, running at the same time, then lacks.
            cap = _open(self._info.path, decoder_threads=1)
            index = 0
            while not self._stop.is_set():
                ok, bgr = cap.read()
                if not ok:
                    break
                thumb = _thumbnail(bgr, as_jpeg=self._as_jpeg) if self._thumbnails else None
                self._queue.put(_Decoded(index, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), thumb))
                index += 1
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which re-raises it
            self._queue.put(exc)
        finally:
            if cap is not None:
                cap.release()
            self._queue.put(None)

    def __iter__(self) -> Iterator[_Decoded]:
        while (item := self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop decoding and wait for the reader thread (drains the queue so it can finish)."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                continue
        self._thread.join()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def decode_frames(info: VideoInfo, *, thumbnails: bool = True) -> Iterator[_Decoded]:
    """Yield decoded full-size RGB frames (decoded on a reader thread) with small thumbnails.

    The model gets full frames: shrinking them first saves it almost nothing (it resizes to 256 px itself) and
    costs more than decoding.
    """
    with FrameReader(info, thumbnails=thumbnails) as reader:
        yield from reader


def _progress(enabled: bool, total: int, label: str) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"),
                    TimeRemainingColumn(), console=Console(stderr=True), disable=not enabled, transient=False)


@dataclass(frozen=True, slots=True)
class _Tracked:
    sequence: PoseSequence
    frames: int
    thumbs: dict[int, np.ndarray | bytes]
    max_people: int
    frames_with_others: int
    inference_s: float


def _sized(frame: PoseFrame, info: VideoInfo) -> PoseFrame:
    """The frame with the clip's pixel size (a back end may have seen a resized image)."""
    if (frame.image_width_px, frame.image_height_px) == (info.width_px, info.height_px):
        return frame
    return dataclasses.replace(frame, image_width_px=info.width_px, image_height_px=info.height_px)


def track_person(info: VideoInfo, estimator: PoseEstimator, *, progress: bool = True,
                 frames: FrameReader | None = None) -> _Tracked:
    """Run the pose model over every frame and keep the main person's landmarks as a PoseSequence.

    `frames` is an already started reader (default: a new one without thumbnails).
    """
    people = PeopleTracker(info.fps)
    thumbs: dict[int, np.ndarray | bytes] = {}
    inference_s = 0.0
    n = 0
    with _progress(progress, info.frame_count, f"{info.path.name}: pose") as bar:
        task = bar.add_task(f"{info.path.name}: pose", total=info.frame_count)
        reader = frames if frames is not None else FrameReader(info, thumbnails=False)
        try:
            for item in reader:
                start = time.perf_counter()
                found = estimator.estimate(item.rgb, time_s=item.index / info.fps, source=info.path.name)
                inference_s += time.perf_counter() - start
                people.add(item.index, [_sized(f, info) for f in found])
                if item.thumb is not None:
                    thumbs[item.index] = item.thumb
                n += 1
                bar.update(task, advance=1)
        finally:
            if frames is None:
                reader.close()
    seq = PoseSequence(tuple(people.main()), info.fps, source=info.path.name, model=estimator.describe())
    return _Tracked(seq, n, thumbs, people.max_people, people.frames_with_others, inference_s)


def _check_people(tracked: _Tracked, info: VideoInfo, specs: MovementSpecs) -> list[str]:
    name = info.path.name
    # Containers may misstate the frame count by a frame or two; losing a tenth or more means a broken file.
    if tracked.frames < 0.9 * info.frame_count and info.frame_count - tracked.frames > 2:
        raise MediaError("video", name, message=f"{name}: only {tracked.frames} of {info.frame_count} frames could "
                         "be decoded (truncated or corrupt video); export it again as MP4 (H.264)")
    share = len(tracked.sequence.frames) / max(1, tracked.frames)
    if not tracked.sequence.frames:
        raise MediaError("video", name, message=f"{name}: no person detected in any of {tracked.frames} frames; "
                         "film the whole body from 2–3 m in good light")
    if share < specs.processing.min_detected_share:
        raise MediaError("video", name, message=f"{name}: a person was detected in only {share:.0%} of frames "
                         f"(at least {specs.processing.min_detected_share:.0%} needed); keep the whole body in view")
    warnings = []
    if tracked.max_people > 1:
        warnings.append(f"up to {tracked.max_people} people in view ({tracked.frames_with_others} frames); the main "
                        "person (largest over the clip) was followed")
    return warnings


def analyse_video(
    path: str | Path,
    test: str,
    *,
    side: str | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    view: str | None = None,
    age: int | None = None,
    model: str = "full",
    estimator: PoseEstimator | None = None,
    specs: MovementSpecs | None = None,
) -> MovementAnalysis:
    """Measure one movement test on a video clip and (with `out_dir`) write its outputs.

    `side` is the tested side for one-sided tests ("left"/"right"; found from the movement when None). `view`
    ("front"/"side") overrides the detected view. `age` selects age norms. Outputs: per-frame CSV and Parquet,
    summary JSON, findings YAML (case format), angle plots (PNG, SVG) and a contact sheet of key frames.
    `estimator` must be a fresh video-mode back end for this clip (frame times restart at 0 for every clip);
    by default a MediaPipe `model` with two poses is loaded and closed here.

    Raises:
        InputError: unknown test, side or view, or an output folder that holds other files.
        NotFoundError: the video does not exist.
        MediaError: a still image, corrupt video, clip far longer than the test needs, or no person found.
    """
    started = time.perf_counter()
    specs = specs or load_movement_specs()
    spec = specs.test(test)
    side = _checked_choice("side", side, ("left", "right"))
    checked_view = _checked_choice("view", view, ("front", "side"))
    chosen_view = View(checked_view) if checked_view else None
    target = _prepare_out_dir(out_dir)
    info = probe_video(path)
    check_length(info, test, specs)
    with FrameReader(info, thumbnails=target is not None) as frames:  # decoding starts while the model loads
        own = estimator is None
        if estimator is None:
            from kinetrace.vision.backends import pose_estimator

            estimator = pose_estimator("video", model=model)
        try:
            tracked = track_person(info, estimator, progress=progress, frames=frames)
        finally:
            if own:
                estimator.close()
    people_warnings = _check_people(tracked, info, specs)
    try:
        result = analyse_movement(tracked.sequence, test, specs, side=side, view=chosen_view, age=age)
    except MediaError as exc:  # e.g. the clip does not show the test: name the clip, as every other refusal does
        raise MediaError("video", info.path.name, message=f"{info.path.name}: {exc.message}") from exc
    source = f"video:{info.path.name}"
    analysis = MovementAnalysis(
        test=test, video=info.path, view=result.view, side=result.side, metrics=result.metrics,
        findings=result.findings(source=source), warnings=(*people_warnings, *result.warnings),
        swaps_corrected=result.swaps.frames_corrected, frames=tracked.frames,
        frames_with_person=len(tracked.sequence.frames), model=tracked.sequence.model, result=result)
    timings = {"inference_s": tracked.inference_s, "pose_pass_s": time.perf_counter() - started}
    if target is not None:
        from kinetrace.vision._video_outputs import write_outputs

        outputs = write_outputs(analysis, spec, tracked.thumbs, target, info=info)
        analysis = dataclasses.replace(analysis, outputs=outputs)
    timings["total_s"] = time.perf_counter() - started
    return dataclasses.replace(analysis, timings_s=timings)


def _checked_choice(field_name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value in allowed:
        return value
    raise InputError(field_name, value, " or ".join(allowed))


def _prepare_out_dir(out_dir: str | Path | None) -> Path | None:
    """Check the output folder before any work: new, empty, or a previous Kinetrace movement output."""
    if out_dir is None:
        return None
    target = Path(out_dir).resolve()
    if target.exists() and not target.is_dir():
        raise InputError("out", str(out_dir), "a folder, not a file")
    if target.is_dir() and any(target.iterdir()) and not (target / "summary.json").is_file():
        raise InputError("out", str(out_dir), "a new or empty folder (or a previous `kinetrace movement` output); "
                         "it holds other files")
    existing = next(p for p in (target, *target.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise InputError("out", str(out_dir), f"a location you can write to ({existing} is not writable)")
    return target
