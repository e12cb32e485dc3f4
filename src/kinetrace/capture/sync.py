"""Time offsets between cameras by cross-correlation of audio tracks or of motion energy.

Motion: the mean absolute difference between consecutive (downscaled, grey) frames is a signal every camera sees
when the person moves; audio: the sound envelope (needs `ffmpeg` on PATH to extract it). The offset of each video
is relative to the first, in seconds: a positive offset means the event happens later in that video.

With a calibration the trustworthy way is by pose (`pose_sync_offsets`): candidate offsets are scored by how well
the cameras' 2-D joints triangulate together; the evidence is graded and weak evidence is refused, never printed
as a confident offset. `auto_sync` does this on the poses the 3-D pipeline already computed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kinetrace.errors import InputError

__all__ = ["AUTO_MAX_LAG_S", "align_poses", "audio_envelope", "auto_sync", "best_lag", "detect_for_sync",
           "motion_signal", "motion_speed_signal", "pose_sync_offsets", "sync_offsets"]

_RATE_HZ = 100.0  # both signals are resampled to this rate before correlating


def motion_signal(path: str | Path, *, max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """Motion energy per frame of a video (mean absolute frame difference) and its frame rate."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise InputError("video", str(path), "a readable video")
    fps = float(cap.get(cv2.CAP_PROP_FPS)) or 30.0
    values, prev, i = [], None, 0
    try:
        while max_frames is None or i < max_frames:
            ok, bgr = cap.read()
            if not ok:
                break
            small = cv2.cvtColor(cv2.resize(bgr, (64, 64), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
            cur = small.astype(np.float32)
            values.append(0.0 if prev is None else float(np.mean(np.abs(cur - prev))))
            prev, i = cur, i + 1
    finally:
        cap.release()
    return np.asarray(values), fps


def audio_envelope(path: str | Path) -> tuple[np.ndarray, float]:
    """Sound envelope (mean absolute amplitude per 10 ms) of a video's audio track, via ffmpeg."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise InputError("--by", "audio", "ffmpeg on PATH for audio sync (or use --by motion)")
    proc = subprocess.run([exe, "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "8000", "-f", "s16le", "-"],
                          capture_output=True, check=False)
    pcm = np.frombuffer(proc.stdout, dtype=np.int16).astype(np.float32)
    if proc.returncode != 0 or pcm.size == 0:
        raise InputError("--by", "audio", f"an audio track in {Path(path).name} (none found; use --by motion)")
    hop = 80
    n = pcm.size // hop
    return np.abs(pcm[: n * hop]).reshape(n, hop).mean(axis=1), 8000.0 / hop


def _resample(signal: np.ndarray, rate: float) -> np.ndarray:
    t_old = np.arange(len(signal)) / rate
    t_new = np.arange(0.0, t_old[-1] if len(t_old) else 0.0, 1.0 / _RATE_HZ)
    return np.asarray(np.interp(t_new, t_old, signal))


def best_lag(reference: np.ndarray, other: np.ndarray, rate: float, *, max_lag_s: float) -> tuple[float, float]:
    """Lag (s) that best aligns `other` to `reference` (positive: `other` is late) and its correlation peak."""
    a = (reference - reference.mean()) / (reference.std() or 1.0)
    b = (other - other.mean()) / (other.std() or 1.0)
    full = np.correlate(b, a, mode="full") / min(len(a), len(b))
    lags = np.arange(-len(a) + 1, len(b))
    keep = np.abs(lags) <= max_lag_s * rate
    k = int(np.argmax(np.where(keep, full, -np.inf)))
    return float(lags[k] / rate), float(full[k])


def sync_offsets(videos: Sequence[str | Path], *, by: str = "motion", max_lag_s: float = 2.0,
                 max_frames: int | None = None) -> dict[str, dict[str, float]]:
    """Offset (s) and correlation of each video against the first: {name: {"offset_s", "correlation"}}."""
    if len(videos) < 2:  # noqa: PLR2004
        raise InputError("videos", f"{len(videos)} video", "two or more videos to synchronise")
    if by not in ("motion", "audio"):
        raise InputError("--by", by, "motion or audio")
    signals = []
    for v in videos:
        if not Path(v).is_file():
            raise InputError("video", str(v), "an existing video file")
        sig, rate = motion_signal(v, max_frames=max_frames) if by == "motion" else audio_envelope(v)
        signals.append(_resample(sig, rate))
    out = {}
    for v, sig in zip(videos, signals, strict=True):
        lag, corr = best_lag(signals[0], sig, _RATE_HZ, max_lag_s=max_lag_s)
        out[Path(v).name] = {"offset_s": round(lag, 3), "correlation": round(corr, 3)}
    return out


# --- sync from 2-D poses and the calibration -------------------------------------------------------------------
#
# With calibrated cameras the right offset is the one at which the views agree in 3-D: each candidate lag pairs the
# reference camera's frames with the other camera's shifted frames, triangulates every confidently seen joint from
# the two views and measures the reprojection error. A still subject agrees at every lag, so the evidence is also
# graded: how much better the best lag is than the best clearly different lag, and whether a view-independent
# motion signal (summed joint speeds, normalised by body size) correlates at that lag.

_SYNC_JOINTS = ("left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
_MIN_VIS = 0.5
_AGREE_PX = 15.0  # a joint whose two-view reprojection error is under this agrees
_MIN_CONTRAST = 0.15  # best lag's error at least this share below the best lag ≥ 3 frames away
_MIN_PAIRS = 50  # joint observations seen by both views needed to judge a lag
AUTO_MAX_LAG_S = 0.25  # largest offset `--sync auto` searches inside the 3-D pipeline


def _two_view_errors(P0: np.ndarray, P1: np.ndarray, uv0: np.ndarray, uv1: np.ndarray) -> np.ndarray:
    """Reprojection error (px, mean of the two views) of n points triangulated from two views (uv n×2 each)."""
    rows = [uv0[:, 0:1] * P0[2] - P0[0], uv0[:, 1:2] * P0[2] - P0[1],
            uv1[:, 0:1] * P1[2] - P1[0], uv1[:, 1:2] * P1[2] - P1[1]]
    A = np.stack(rows, axis=1)  # n×4×4
    A = A / np.linalg.norm(A, axis=2, keepdims=True)
    X = np.linalg.svd(A)[2][:, -1]  # n×4
    errs = []
    for P, uv in ((P0, uv0), (P1, uv1)):
        proj = X @ P.T
        errs.append(np.linalg.norm(proj[:, :2] / proj[:, 2:3] - uv, axis=1))
    return np.asarray((errs[0] + errs[1]) / 2.0)


def motion_speed_signal(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """View-independent motion signal of one camera's 2-D joints (frames×33×2): summed joint speed / body size."""
    from kinetrace.metrics.pose import LANDMARK_NAMES

    idx = [LANDMARK_NAMES.index(n) for n in _SYNC_JOINTS]
    pts = np.where((vis[:, idx] >= _MIN_VIS)[..., None], xy[:, idx], np.nan)
    span = np.nanmax(pts[..., 1], axis=1) - np.nanmin(pts[..., 1], axis=1) if np.isfinite(pts).any() else None
    scale = float(np.nanmedian(span)) if span is not None and np.isfinite(span).any() else 1.0
    speed = np.linalg.norm(np.diff(pts, axis=0), axis=2) / (scale or 1.0)  # (frames-1)×joints
    total = np.nansum(speed, axis=1)
    return np.asarray(np.concatenate([[0.0], total]))


def _corr_at(a: np.ndarray, b: np.ndarray, lag: int) -> float:
    """Pearson correlation of a[t] with b[t + lag] over their overlap (0 when flat or too short)."""
    if lag >= 0:
        x, y = a[: len(a) - lag], b[lag:]
    else:
        x, y = a[-lag:], b[: len(b) + lag]
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    if n < 5 or x.std() == 0 or y.std() == 0:  # noqa: PLR2004
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def _pair_error(a: tuple[Any, np.ndarray, np.ndarray], b: tuple[Any, np.ndarray, np.ndarray],
                lag: int) -> float | None:
    """Median two-view reprojection error (px) of a's frame f with b's frame f + lag; None if too few joints.

    `a` and `b` are (camera, undistorted joints frames×j×2, confident frames×j).
    """
    cam_a, uv_a, ok_a = a
    cam_b, uv_b, ok_b = b
    f0 = np.arange(max(0, -lag), min(len(ok_a), len(ok_b) - lag))
    both = ok_a[f0] & ok_b[f0 + lag]
    if int(both.sum()) < _MIN_PAIRS:
        return None
    return float(np.median(_two_view_errors(cam_a.P, cam_b.P, uv_a[f0][both], uv_b[f0 + lag][both])))


def pose_sync_offsets(cams: Sequence[Any], poses: Sequence[Any], fps: float, *,
                      max_lag_s: float = 0.5) -> dict[str, dict[str, Any]]:
    """Offset of each camera against the first by triangulation agreement over candidate lags, with confidence.

    `cams` are calibrated `Camera`s and `poses` their `CameraPose`s over the same leading frames of each video.
    A candidate lag of one camera is scored by the mean, over every other camera (at its current offset), of the
    median two-view reprojection error; two sweeps refine the offsets. Each row: offset_s, offset_frames,
    reprojection_px (at the chosen lag), contrast (1 − best error / best error ≥ 3 frames away),
    motion_correlation (view-independent joint-speed signal against the first camera) and `confident`.
    """
    from kinetrace.metrics.pose import LANDMARK_NAMES

    idx = [LANDMARK_NAMES.index(n) for n in _SYNC_JOINTS]
    uvs = [c.undistort(p.xy.reshape(-1, 2)).reshape(p.xy.shape)[:, idx] for c, p in zip(cams, poses, strict=True)]
    oks = [p.vis[:, idx] >= _MIN_VIS for p in poses]
    n = min(len(p.vis) for p in poses)
    max_lag = min(int(round(max_lag_s * fps)), n // 3)
    offsets = [0] * len(poses)
    rows: dict[int, dict[str, Any]] = {}
    for _sweep in range(2):
        for k in range(1, len(poses)):
            scores: dict[int, float] = {}
            for lag in range(-max_lag, max_lag + 1):
                errs = [_pair_error((cams[j], uvs[j], oks[j]), (cams[k], uvs[k], oks[k]), lag - offsets[j])
                        for j in range(len(poses)) if j != k]
                got = [e for e in errs if e is not None]
                if got:
                    scores[lag] = float(np.mean(got))
            if not scores:
                rows[k] = {"offset_s": None, "offset_frames": None, "reprojection_px": None, "contrast": 0.0,
                           "motion_correlation": None, "confident": False}
                continue
            best = min(scores, key=lambda lag: scores[lag])
            far = [v for lag, v in scores.items() if abs(lag - best) >= 3]  # noqa: PLR2004
            contrast = 1.0 - scores[best] / min(far) if far else 0.0
            offsets[k] = best
            rows[k] = {"offset_s": round(best / fps, 4), "offset_frames": best,
                       "reprojection_px": round(scores[best], 2), "contrast": round(contrast, 3),
                       "confident": bool(contrast >= _MIN_CONTRAST and scores[best] <= _AGREE_PX)}
    ref_motion = motion_speed_signal(poses[0].xy, poses[0].vis)
    out: dict[str, dict[str, Any]] = {poses[0].name: {"offset_s": 0.0, "offset_frames": 0, "reprojection_px": None,
                                                      "contrast": None, "motion_correlation": None,
                                                      "confident": True}}
    for k in range(1, len(poses)):
        row = rows[k]
        if row["offset_frames"] is not None:
            row["motion_correlation"] = round(_corr_at(ref_motion, motion_speed_signal(poses[k].xy, poses[k].vis),
                                                       row["offset_frames"]), 3)
        out[poses[k].name] = row
    return out


def detect_for_sync(videos: Sequence[str | Path], cams: Sequence[Any], *, frames: int,
                    model: str = "full") -> tuple[list[Any], float]:
    """2-D poses of the leading `frames` frames of each video (one pass per camera) and the common frame rate."""
    from kinetrace.capture.detect import detect_camera
    from kinetrace.vision.video import probe_video

    infos = [probe_video(v) for v in videos]
    fps = infos[0].fps
    if any(abs(i.fps - fps) > 0.01 * fps for i in infos):
        listing = ", ".join(f"{i.path.name} {i.fps:g} fps" for i in infos)
        raise InputError("videos", listing, "equal frame rates for sync by pose (or use sync without --calibration)")
    n = min([frames, *(i.frame_count for i in infos)])
    poses = [detect_camera(i.path, range(n), i.fps, model=model, name=c.name)
             for i, c in zip(infos, cams, strict=True)]
    return poses, fps


def align_poses(poses: Sequence[Any], offsets_frames: Sequence[int]) -> list[Any]:
    """Cut each camera's poses (posed from frame 0) to the common frames given per-camera offsets in frames."""
    from kinetrace.capture.detect import CameraPose

    start = max(0, *(-o for o in offsets_frames))
    n = min(len(p.vis) - o for p, o in zip(poses, offsets_frames, strict=True)) - start
    if n < 10:  # noqa: PLR2004
        raise InputError("--sync", "auto", message=f"--sync: auto: only {max(n, 0)} frames are filmed by every "
                         "camera after synchronisation; expected at least 10")
    return [CameraPose(p.name, p.xy[start + o:start + o + n], p.vis[start + o:start + o + n], p.width_px,
                       p.height_px) for p, o in zip(poses, offsets_frames, strict=True)]


def auto_sync(cams: Sequence[Any], poses: Sequence[Any], fps: float, *,
              max_lag_s: float = 0.5) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """Synchronise poses already computed for the pipeline (no second pose pass); refuse weak evidence."""
    rows = pose_sync_offsets(cams, poses, fps, max_lag_s=max_lag_s)
    weak = [f"{n} ({r['offset_frames']} frames, contrast {r['contrast']})" for n, r in rows.items()
            if not r["confident"]]
    if weak:
        raise InputError("--sync", "auto", message=f"--sync: auto: the offset of {', '.join(weak)} is not clearly "
                         "better than other offsets; expected videos where the person moves and every camera sees "
                         "them (hardware-synchronised cameras need no --sync)")
    return align_poses(poses, [int(r["offset_frames"]) for r in rows.values()]), rows
