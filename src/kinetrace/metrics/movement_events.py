"""Automatic event detection on angle and position series: foot-off and touch-down, deepest points of a squat,
foot contacts in gait, and the peak of a reach or rotation.

Distances are in leg lengths and times in frames, so thresholds from the test definitions are dimensionless.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kinetrace.metrics.movement_signal import FloatArray

__all__ = [
    "MovementEvent",
    "contact_frames",
    "deepest_frames",
    "forward_peaks",
    "lift_intervals",
    "peak_frame",
]


@dataclass(frozen=True, slots=True)
class MovementEvent:
    """A detected moment in the clip: `name` (e.g. foot_off, touch_down, deepest, contact), frame and side."""

    name: str
    frame: int
    time_s: float
    side: str = "none"


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _hold_through_gaps(mask: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Carry the last known state of `mask` through frames where it is unknown."""
    out = mask.copy()
    state = False
    for i in range(len(out)):
        if known[i]:
            state = bool(mask[i])
        out[i] = state
    return out


def lift_intervals(
    stance_y: FloatArray, lifted_y: FloatArray, *, lift_share: float, min_frames: int
) -> list[tuple[int, int]]:
    """[foot_off, touch_down) frame intervals where the lifted ankle is above the stance ankle.

    `stance_y` and `lifted_y` are ankle heights in leg lengths, y down; the foot counts as off the ground while it is
    more than `lift_share` leg lengths higher than the stance ankle. Frames with either ankle unseen keep the last
    state. Intervals shorter than `min_frames` are dropped.
    """
    height = stance_y - lifted_y
    known = np.isfinite(height)
    lifted = _hold_through_gaps(np.where(known, height > lift_share, False), known)
    return [(a, b) for a, b in _runs(lifted) if b - a >= min_frames]


def deepest_frames(depth: FloatArray, *, min_prominence: float) -> list[int]:
    """Frames of the deepest point of each repetition: peaks of `depth` (larger = deeper) with enough prominence.

    The prominence is measured against the shallower of the two neighbouring valleys (scipy's definition), so a
    single squat that starts and ends standing counts once.
    """
    from scipy.signal import find_peaks

    finite = np.isfinite(depth)
    if finite.sum() < 3:
        return []
    filled = np.interp(np.arange(len(depth)), np.flatnonzero(finite), depth[finite])
    padded = np.concatenate([[filled.min()], filled, [filled.min()]])
    peaks, _ = find_peaks(padded, prominence=min_prominence)
    return [int(p) - 1 for p in peaks if 0 < p <= len(depth)]


def contact_frames(speed: FloatArray, *, stance_share: float, swing_share: float, min_frames: int) -> list[float]:
    """Foot-contact frames: where a swinging foot comes to rest.

    Hysteresis on the foot's speed: the foot is swinging once it moves faster than `swing_share` × its peak speed,
    and lands when it then drops below `stance_share` × peak and stays there for `min_frames`. A dip in speed during
    one swing therefore does not count as a step. The peak is the 95th percentile of the speed, so one bad frame
    does not set it. Unseen frames keep the state they had. Times are fractional frames: the threshold crossing is
    interpolated between the two frames around it.
    """
    finite = speed[np.isfinite(speed)]
    if finite.size < 3:
        return []
    peak = float(np.percentile(finite, 95))
    low, high = stance_share * peak, swing_share * peak
    contacts: list[float] = []
    swinging = False
    for i, v in enumerate(speed):
        if not np.isfinite(v):
            continue
        if v > high:
            swinging = True
        elif swinging and v < low:
            window = speed[i:i + min_frames]
            if len(window) == min_frames and np.all(window[np.isfinite(window)] < high):
                before = speed[i - 1] if i > 0 and np.isfinite(speed[i - 1]) else v
                frac = (before - low) / (before - v) if before > v else 1.0
                contacts.append(i - 1 + float(np.clip(frac, 0.0, 1.0)))
                swinging = False
    return contacts


def forward_peaks(forward: FloatArray, *, min_prominence: float, min_frames: int) -> list[float]:
    """Foot-contact frames from a side view: the foot at its farthest ahead of the pelvis (Zeni et al. 2008).

    `forward` is the ankle's lead over the hip centre (leg lengths, + ahead); contacts are its peaks with at least
    `min_prominence` and `min_frames` apart. Unlike foot speed, this is unaffected by brief landmark jitter.
    Times are fractional frames (a parabola through the peak and its two neighbours).
    """
    from scipy.signal import find_peaks

    finite = np.isfinite(forward)
    if finite.sum() < 3:
        return []
    filled = np.interp(np.arange(len(forward)), np.flatnonzero(finite), forward[finite])
    peaks, _ = find_peaks(filled, prominence=min_prominence, distance=max(1, min_frames))
    out = []
    for p in peaks:
        if not finite[p]:
            continue
        a, b, c = filled[max(p - 1, 0)], filled[p], filled[min(p + 1, len(filled) - 1)]
        curvature = a - 2 * b + c
        out.append(float(p) + (0.5 * (a - c) / curvature if curvature < 0 else 0.0))
    return out


def peak_frame(values: FloatArray, *, lowest: bool = False) -> int | None:
    """Frame of the largest (or smallest) finite value, or None when the series has no finite value."""
    if not np.isfinite(values).any():
        return None
    return int(np.nanargmin(values) if lowest else np.nanargmax(values))
