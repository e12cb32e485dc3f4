"""Time offsets between cameras by cross-correlation of audio tracks or of motion energy.

Motion: the mean absolute difference between consecutive (downscaled, grey) frames is a signal every camera sees
when the person moves; audio: the sound envelope (needs `ffmpeg` on PATH to extract it). The offset of each video
is relative to the first, in seconds: a positive offset means the event happens later in that video.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kinetrace.errors import InputError

__all__ = ["audio_envelope", "best_lag", "motion_signal", "sync_offsets"]

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
