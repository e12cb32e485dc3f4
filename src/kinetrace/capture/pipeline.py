"""The 3-D capture pipeline: videos + calibration → 2-D pose → triangulation → filter → scale → IK → angles.

Nothing is written unless every gate passes: the work happens in a temporary folder that is moved into place at
the end.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kinetrace.capture import gates
from kinetrace.capture.cameras import Camera, load_calibration
from kinetrace.capture.detect import CameraPose, detect_camera
from kinetrace.capture.result import CaptureResult
from kinetrace.errors import InputError
from kinetrace.metrics.pose import LANDMARK_NAMES

if TYPE_CHECKING:
    from kinetrace.vision.video import VideoInfo

__all__ = [
    "CapturePlan",
    "CaptureResult",
    "check_inputs",
    "load_sync",
    "match_cameras",
    "plan_frames",
    "run_capture",
    "solve",
]

_CORE = [
    LANDMARK_NAMES.index(n)
    for n in (
        "left_shoulder",
        "right_shoulder",
        "left_hip",
        "right_hip",
        "left_knee",
        "right_knee",
        "left_ankle",
        "right_ankle",
    )
]


def match_cameras(cams: Sequence[Camera], sizes: Sequence[tuple[int, int]], video_names: Sequence[str]) -> None:
    """The calibration must describe these cameras: as many, and of the same image size (±2 %), in order."""
    if len(cams) != len(sizes):
        raise InputError(
            "calibration",
            f"{len(cams)} cameras",
            message=f"calibration: holds {len(cams)} cameras "
            f"({', '.join(c.name for c in cams)}) but {len(sizes)} videos were given; expected one "
            "calibrated camera per video, in the same order",
        )
    for cam, (w, h), name in zip(cams, sizes, video_names, strict=True):
        if abs(cam.width_px - w) > 0.02 * w or abs(cam.height_px - h) > 0.02 * h:
            raise InputError(
                "calibration",
                cam.name,
                message=f"calibration: camera {cam.name} is "
                f"{cam.width_px}×{cam.height_px} px but {name} is {w}×{h} px; expected the calibration "
                "of the cameras that filmed these videos",
            )


def load_sync(path: str | Path | None, names: Sequence[str]) -> dict[str, float]:
    """Read a sync file (`kinetrace capture sync` JSON: {"offsets_s": {video name: seconds}}); zeros if None."""
    if path is None:
        return dict.fromkeys(names, 0.0)
    p = Path(path)
    try:
        offsets = json.loads(p.read_text(encoding="utf-8"))["offsets_s"]
        return {n: float(offsets[n]) for n in names}
    except FileNotFoundError:
        raise InputError("--sync", str(p), "an existing sync file from `kinetrace capture sync`") from None
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise InputError("--sync", str(p), f"a JSON file with offsets_s for every video (missing {exc})") from None


def plan_frames(
    fps: Sequence[float],
    counts: Sequence[int],
    offsets: Sequence[float],
    names: Sequence[str],
    *,
    synced: bool,
    max_frames: int | None,
) -> tuple[float, list[list[int]]]:
    """Common time base (slowest camera) and the frame index of each camera at each common time."""
    base = min(fps)
    if not synced and max(fps) - base > gates.quality("fps_tolerance") * base:
        listing = ", ".join(f"{n} {f:g} fps" for n, f in zip(names, fps, strict=True))
        raise InputError(
            "videos",
            listing,
            message=f"videos: frame rates differ ({listing}) and no --sync file "
            "was given; expected equal frame rates, or run `kinetrace capture sync` first",
        )
    duration = min((c / f) - o for c, f, o in zip(counts, fps, offsets, strict=True))
    start = max(0.0, *(-o for o in offsets))
    n = int(np.floor((duration - start) * base + 1e-6))
    if max_frames is not None:
        n = min(n, max_frames)
    if n < 10:  # noqa: PLR2004
        raise InputError("videos", f"{n} common frames", "at least 10 frames filmed by every camera")
    times = start + np.arange(n) / base
    return base, [
        [min(int(round((t + o) * f)), c - 1) for t in times] for f, o, c in zip(fps, offsets, counts, strict=True)
    ]


_MIN_COVERAGE = 0.9  # share of frames in which each trunk/leg joint must be triangulated

# pelvis, legs and feet: the segments that set hip rotation and the pelvic angles
_LOWER = [
    LANDMARK_NAMES.index(n)
    for n in (
        "left_hip",
        "right_hip",
        "left_knee",
        "right_knee",
        "left_ankle",
        "right_ankle",
        "left_heel",
        "right_heel",
        "left_foot_index",
        "right_foot_index",
    )
]


def _stillest(points: np.ndarray, fps: float) -> tuple[int, int, float]:
    from kinetrace.capture.filtering import stillest_window

    return stillest_window(points[:, _LOWER], fps, window_s=1 / 6)


def solve(
    cams: Sequence[Camera],
    poses: Sequence[CameraPose],
    fps: float,
    test: str,
    work: Path,
    *,
    mass_kg: float = 70.0,
    timings: dict[str, float] | None = None,
) -> CaptureResult:
    """Everything after 2-D pose: triangulate, gate, filter, scale, IK, angles, findings (files into `work`)."""
    from kinetrace.capture.angles import clinical_angles
    from kinetrace.capture.filtering import fill_and_filter
    from kinetrace.capture.markers import body_frame, marker_array, write_trc
    from kinetrace.capture.opensim_model import scale_and_solve
    from kinetrace.capture.triangulation import triangulate_sequence

    timings = timings if timings is not None else {}
    gates.check_person([p.name for p in poses], [p.person_fraction for p in poses])
    t0 = time.perf_counter()
    tri = triangulate_sequence(cams, poses)
    timings["triangulation"] = time.perf_counter() - t0
    frame_err = tri.frame_error_px
    median_err = float(np.nanmedian(frame_err)) if np.isfinite(frame_err).any() else float("inf")
    if median_err > gates.quality("max_median_reprojection_px"):
        raise gates.refuse(
            "reprojection",
            f"median reprojection error {median_err:.1f} px is above "
            f"{gates.quality('max_median_reprojection_px'):g} px; check that the calibration and video "
            "order match and that the videos are synchronised",
        )
    t0 = time.perf_counter()
    pts = fill_and_filter(tri.points, fps)
    coverage = np.isfinite(pts[:, :, 0]).mean(axis=0)
    missing = [f"{LANDMARK_NAMES[j]} ({coverage[j]:.0%})" for j in _CORE if coverage[j] < _MIN_COVERAGE]
    if missing:
        raise gates.refuse(
            "reprojection",
            f"{', '.join(missing)} triangulated in too few frames (at least "
            f"{_MIN_COVERAGE:.0%} expected: two or more cameras must see each joint and agree)",
        )
    s, e, speed = _stillest(pts, fps)
    if speed > gates.quality("max_still_speed_m_s"):
        raise gates.refuse(
            "still_for_scaling",
            f"the stillest 1/6 s still moves at {speed:.2f} m/s; at most "
            f"{gates.quality('max_still_speed_m_s'):g} m/s expected (stand still for a moment)",
        )
    R = body_frame(pts, s, e)
    model_pts = pts @ R.T
    origin = np.nanmean(model_pts[s:e, _CORE], axis=(0, 1))
    origin[1] = float(np.nanmin(model_pts[:, :, 1]))
    model_pts = model_pts - origin
    timings["filtering"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    trc = write_trc(work / "markers.trc", marker_array(model_pts), fps)
    n = len(pts)
    ik = scale_and_solve(trc, work, static_s=(s / fps, (e - 1) / fps), trial_s=(0.0, (n - 1) / fps), mass_kg=mass_kg)
    timings["scaling_and_ik"] = time.perf_counter() - t0
    angles = clinical_angles(ik.coordinates, model_pts)
    why_not = gates.test_matches(test, angles, model_pts, slice(s, e))
    if why_not is not None:
        raise gates.refuse("movement_is_test", f"this is not a {test} recording: {why_not}")
    summary = _summary(
        test, angles, slice(s, e), median_err, ik.marker_rms_m, speed=speed, cams=[c.name for c in cams], fps=fps
    )
    findings, notes = _findings(test, summary, angles, model_pts, slice(s, e))
    summary["knowledge_base"] = {"findings": sorted(findings), "notes": notes}
    return CaptureResult(
        test,
        [c.name for c in cams],
        fps,
        n,
        median_err,
        frame_err,
        (s, e),
        speed,
        ik.marker_rms_m,
        angles,
        summary,
        findings,
        model_pts,
        timings,
        {"trc": trc, "mot": ik.mot, "model": ik.scaled_model},
        notes=notes,
    )


def _summary(
    test: str,
    angles: dict[str, np.ndarray],
    still: slice,
    median_err: float,
    rms: np.ndarray,
    *,
    speed: float,
    cams: list[str],
    fps: float,
) -> dict[str, Any]:
    from kinetrace.capture.angles import ANGLES

    rows = {}
    for k, v in angles.items():
        rows[k] = {
            "description": ANGLES[k],
            "still_mean_deg": round(float(np.nanmean(v[still])), 2),
            "still_sd_deg": round(float(np.nanstd(v[still])), 2),
            "min_deg": round(float(np.nanmin(v)), 2),
            "max_deg": round(float(np.nanmax(v)), 2),
            "range_deg": round(float(np.nanmax(v) - np.nanmin(v)), 2),
        }
    return {
        "method": "multi_camera_3d",
        "test": test,
        "cameras": cams,
        "fps": fps,
        "frames": len(rms),
        "median_reprojection_px": round(median_err, 2),
        "ik_marker_rms_median_m": round(float(np.median(rms)), 4),
        "still_window_frames": [still.start, still.stop],
        "still_speed_m_s": round(speed, 3),
        "angles": rows,
    }


def _findings(
    test: str, summary: dict[str, Any], angles: dict[str, np.ndarray], model_pts: np.ndarray, still: slice
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Case-format findings for knowledge-base tests this 3-D trial measures (method multi_camera_3d), and the
    plain reasons for every test or side it does not report (`capture.protocols`)."""
    from kinetrace.capture.labels import capture_source
    from kinetrace.capture.protocols import protocol_findings, shape_of
    from kinetrace.capture.validity import MEASUREMENT_ERROR_DEG

    entry = {"method": "multi_camera_3d", "source": capture_source(len(summary["cameras"]), test), "unit": "deg"}
    findings, verdicts = protocol_findings(
        test, shape_of(angles, model_pts, still), uncertainty=MEASUREMENT_ERROR_DEG, entry=entry
    )
    notes = [f"No {v.test_id} finding: {v.reason}." for v in verdicts if v.reason is not None]
    notes += [
        f"{v.test_id}: {side} side not reported: {why}."
        for v in verdicts
        if v.reason is None
        for side, why in v.sides_left_out.items()
    ]
    if not findings:
        notes.append(
            f"No knowledge-base finding from this {test.replace('_', ' ')} trial; its angles are in "
            "summary.json and the plots."
        )
    return findings, notes


def _check_out(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError("--out", str(out_dir), "a new or empty folder")


@dataclass(frozen=True)
class CapturePlan:
    """Checked inputs of one trial: the videos, their calibrated cameras and the frames to read from each."""

    infos: list[VideoInfo]
    cams: list[Camera]
    fps: float
    frames: list[list[int]]
    is_auto_sync: bool


def check_inputs(
    videos: Sequence[str | Path],
    calibration: str | Path,
    test: str,
    *,
    sync: str | Path | None = None,
    max_frames: int | None = None,
) -> CapturePlan:
    """Check a trial's inputs as every surface does (CLI, web, batch) before any pose work; InputError names the
    field: one camera only, a calibration of other cameras, unequal frame rates without sync, too few frames."""
    from kinetrace.vision.video import probe_video

    gates.check_tests_known(test)
    if len(videos) < 2:  # noqa: PLR2004
        raise InputError(
            "videos",
            f"{len(videos)} video",
            "two or more synchronised videos of calibrated cameras "
            "(one video: use the single-view `kinetrace movement VIDEO --test ...`)",
        )
    infos = [probe_video(v) for v in videos]
    names = [i.path.name for i in infos]
    cams = load_calibration(calibration)
    match_cameras(cams, [(i.width_px, i.height_px) for i in infos], names)
    auto = sync is not None and str(sync) == "auto"  # offsets from the pipeline's own 2-D poses (one pass)
    offsets = load_sync(None if auto else sync, names)
    fps, frames = plan_frames(
        [i.fps for i in infos],
        [i.frame_count for i in infos],
        [offsets[n] for n in names],
        names,
        synced=sync is not None and not auto,
        max_frames=max_frames,
    )
    if auto:  # pose every frame (plus room to shift) from the start of each clip, then cut to the common frames
        from kinetrace.capture.sync import AUTO_MAX_LAG_S

        reach = len(frames[0]) + 2 * int(round(AUTO_MAX_LAG_S * fps))
        frames = [list(range(min(reach, i.frame_count))) for i in infos]
    return CapturePlan(infos, cams, fps, frames, auto)


def run_capture(
    videos: Sequence[str | Path],
    calibration: str | Path,
    test: str,
    out_dir: str | Path | None,
    *,
    sync: str | Path | None = None,
    model: str = "full",
    max_frames: int | None = None,
    mass_kg: float = 70.0,
    plots: bool = True,
    progress: Callable[[float], None] | None = None,
) -> CaptureResult:
    """Run the whole 3-D pipeline; write outputs to `out_dir` only when it succeeds (None: write nothing).

    `progress`, when given, is called with the share of the work done (0–1) after each camera and step.
    """
    out = Path(out_dir) if out_dir is not None else None
    gates.check_tests_known(test)
    if out is not None:
        _check_out(out)
    plan = check_inputs(videos, calibration, test, sync=sync, max_frames=max_frames)
    report = progress or (lambda _share: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    poses = []
    for k, (i, idx, c) in enumerate(zip(plan.infos, plan.frames, plan.cams, strict=True)):
        poses.append(detect_camera(i.path, idx, i.fps, model=model, name=c.name))
        report(0.7 * (k + 1) / len(plan.cams))
    timings["pose_2d"] = time.perf_counter() - t0
    fps = plan.fps
    if plan.is_auto_sync:
        from kinetrace.capture.sync import AUTO_MAX_LAG_S, auto_sync

        poses, _rows = auto_sync(plan.cams, poses, fps, max_lag_s=AUTO_MAX_LAG_S)
    with tempfile.TemporaryDirectory(prefix="kinetrace-capture-") as tmp:
        work = Path(tmp)
        result = solve(plan.cams, poses, fps, test, work, mass_kg=mass_kg, timings=timings)
        report(0.9)
        t0 = time.perf_counter()
        from kinetrace.capture.outputs import write_outputs

        files = write_outputs(result, work, plots=plots)
        timings["outputs"] = time.perf_counter() - t0
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            result.outputs = {}
            for kind, name in files.items():
                shutil.move(str(work / name), out / name)
                result.outputs[kind] = out / name
    report(1.0)
    return result
