"""Gap filling and low-pass filtering of 3-D landmark trajectories, and the stillest window."""

from __future__ import annotations

import numpy as np

__all__ = ["fill_and_filter", "stillest_window"]


def _fill(series: np.ndarray, max_gap: int) -> np.ndarray:
    """Linear interpolation over NaN gaps up to `max_gap` frames; ends are held."""
    out = series.copy()
    ok = np.isfinite(series)
    if ok.sum() < 2:  # noqa: PLR2004
        return out
    idx = np.arange(len(series))
    filled = np.interp(idx, idx[ok], series[ok])
    gap_id = np.cumsum(ok)
    for g in np.unique(gap_id[~ok]):
        where = np.flatnonzero((~ok) & (gap_id == g))
        if len(where) <= max_gap:
            out[where] = filled[where]
    return out


def fill_and_filter(points: np.ndarray, fps: float, *, cutoff_hz: float = 6.0, max_gap_s: float = 0.2) -> np.ndarray:
    """Fill short gaps and apply a zero-phase 4th-order Butterworth low-pass (frames×markers×3, NaN kept)."""
    from scipy.signal import butter, filtfilt

    out = np.full_like(points, np.nan)
    max_gap = max(1, int(round(max_gap_s * fps)))
    b, a = butter(2, min(cutoff_hz / (fps / 2.0), 0.99))  # filtfilt doubles the order
    pad = 3 * max(len(a), len(b))
    for j in range(points.shape[1]):
        for k in range(3):
            s = _fill(points[:, j, k], max_gap)
            out[:, j, k] = s
            ok = np.isfinite(s).astype(np.int8)
            edges = np.flatnonzero(np.diff(np.concatenate([[0], ok, [0]])))
            for start, end in zip(edges[::2], edges[1::2], strict=True):  # each stretch without a gap
                if end - start > pad:
                    out[start:end, j, k] = filtfilt(b, a, s[start:end])
    return out


def stillest_window(points: np.ndarray, fps: float, *, window_s: float = 0.4) -> tuple[int, int, float]:
    """The window with the least mean landmark speed: (first frame, end frame exclusive, mean speed m/s)."""
    n = len(points)
    win = max(2, min(n, int(round(window_s * fps))))
    speed = np.linalg.norm(np.diff(points, axis=0), axis=2) * fps  # (n-1)×markers
    per_frame = np.nanmean(np.where(np.isfinite(speed), speed, np.nan), axis=1)
    per_frame = np.where(np.isfinite(per_frame), per_frame, np.inf)
    best = (0, win, float("inf"))
    for s in range(0, n - win + 1):
        m = float(np.mean(per_frame[s:s + win - 1]))
        if m < best[2]:
            best = (s, s + win, m)
    return best
