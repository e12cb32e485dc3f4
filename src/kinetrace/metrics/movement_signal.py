"""Landmark trajectories over time, and the signal steps applied before any metric: left/right swap
correction, gap filling up to a stated limit, and zero-lag Butterworth smoothing.

Positions are in pixels (x right, y down) so that angles keep square geometry. A missing landmark (no person in the
frame, or visibility below the limit) is NaN; filling never invents data across a gap longer than the limit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from kinetrace.metrics.pose import LANDMARK_NAMES, PoseSequence

__all__ = [
    "GapReport",
    "SwapReport",
    "Trajectories",
    "correct_swaps",
    "fill_gaps",
    "remove_spikes",
    "smooth",
    "trajectories_from_sequence",
]

FloatArray = NDArray[np.float64]

# Left/right landmark pairs that a pose model can swap, grouped so that legs and arms are judged separately
# (side-view gait swaps the legs far more often than the arms).
_SWAP_GROUPS: dict[str, tuple[str, ...]] = {
    "legs": ("hip", "knee", "ankle", "heel", "foot_index"),
    "arms": ("shoulder", "elbow", "wrist", "pinky", "index", "thumb"),
    "head": ("eye_inner", "eye", "eye_outer", "ear", "mouth"),
}
_MOUTH = {"mouth": ("mouth_left", "mouth_right")}


@dataclass(frozen=True, slots=True)
class Trajectories:
    """Landmark positions over a regular time grid.

    `xy_px` has shape (frames, landmarks, 2); `detected` (frames,) marks frames where a person was found;
    `interpolated` and `swapped` (frames, landmarks) mark filled and left/right-corrected values.
    """

    names: tuple[str, ...]
    xy_px: FloatArray
    z_rel: FloatArray
    detected: NDArray[np.bool_]
    interpolated: NDArray[np.bool_]
    swapped: NDArray[np.bool_]
    fps: float
    image_size_px: tuple[int, int]

    @property
    def n_frames(self) -> int:
        """Number of frames on the time grid."""
        return int(self.xy_px.shape[0])

    @property
    def time_s(self) -> FloatArray:
        """Frame times in seconds from the first frame of the grid."""
        return np.arange(self.n_frames, dtype=float) / self.fps

    def index(self, name: str) -> int:
        """Column of landmark `name`."""
        return self.names.index(name)

    def point(self, name: str) -> FloatArray:
        """Positions of one landmark over time, shape (frames, 2), NaN where missing."""
        return self.xy_px[:, self.index(name), :]


@dataclass(frozen=True, slots=True)
class GapReport:
    """What gap filling did: frames filled, and the longest gap left empty (in seconds)."""

    filled_values: int
    longest_unfilled_s: float
    max_gap_s: float
    spikes_removed: int = 0


@dataclass(frozen=True, slots=True)
class SwapReport:
    """What swap correction did: frames where a left/right group was exchanged, per group."""

    frames_corrected: int
    by_group: dict[str, int]
    majority_relabelled: bool


def trajectories_from_sequence(seq: PoseSequence, *, min_visibility: float,
                               off_image_margin: float = 0.02) -> Trajectories:
    """Put a PoseSequence on the clip's frame grid (frame index = round(time × fps)); absent frames are NaN.

    Grid index = video frame index, so events and key frames point straight back into the clip. Landmarks the
    model places outside the image (beyond `off_image_margin`) are guesses and count as missing.
    """
    lo, hi = -off_image_margin, 1.0 + off_image_margin
    if not seq.frames or seq.fps <= 0:
        raise ValueError("trajectories_from_sequence needs at least one frame and fps > 0")
    idx = [max(0, round(f.time_s * seq.fps)) for f in seq.frames]
    n = max(idx) + 1
    xy = np.full((n, len(LANDMARK_NAMES), 2), np.nan)
    z = np.full((n, len(LANDMARK_NAMES)), np.nan)
    detected = np.zeros(n, dtype=bool)
    for i, frame in zip(idx, seq.frames, strict=True):
        detected[i] = True
        w, h = frame.image_width_px, frame.image_height_px
        for j, name in enumerate(LANDMARK_NAMES):
            lm = frame.landmarks.get(name)
            if lm is None or lm.visibility < min_visibility or not (lo <= lm.x_norm <= hi and lo <= lm.y_norm <= hi):
                continue
            xy[i, j] = (lm.x_norm * w, lm.y_norm * h)
            z[i, j] = lm.z_norm * w
    first = seq.frames[0]
    blank = np.zeros(xy.shape[:2], dtype=bool)
    return Trajectories(LANDMARK_NAMES, xy, z, detected, blank, blank.copy(), seq.fps,
                        (first.image_width_px, first.image_height_px))


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Return [start, stop) index runs where `mask` is True."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def fill_gaps(tr: Trajectories, *, max_gap_s: float) -> tuple[Trajectories, GapReport]:
    """Fill interior gaps of at most `max_gap_s` by linear interpolation; longer gaps and the ends stay NaN."""
    max_gap = int(np.floor(max_gap_s * tr.fps + 1e-9))
    xy, z = tr.xy_px.copy(), tr.z_rel.copy()
    interp = tr.interpolated.copy()
    longest = 0
    for j in range(xy.shape[1]):
        missing = np.isnan(xy[:, j, 0])
        for a, b in _runs(missing):
            if a == 0 or b == len(missing):
                continue  # never extrapolate beyond the first or last seen position
            if b - a > max_gap:
                longest = max(longest, b - a)
                continue
            w = (np.arange(a, b) - (a - 1)) / (b - (a - 1))
            xy[a:b, j] = xy[a - 1, j] + w[:, None] * (xy[b, j] - xy[a - 1, j])
            z[a:b, j] = z[a - 1, j] + w * (z[b, j] - z[a - 1, j])
            interp[a:b, j] = True
    report = GapReport(int(interp.sum() - tr.interpolated.sum()), longest / tr.fps, max_gap_s)
    return replace(tr, xy_px=xy, z_rel=z, interpolated=interp), report


def remove_spikes(tr: Trajectories, *, window_s: float, min_jump: float) -> tuple[Trajectories, int]:
    """Treat brief jumps of a landmark as missing (a Hampel-type filter); return the new trajectories and count.

    A position further than `min_jump` × trunk length from the median of its neighbours within ±`window_s` is a
    momentary mislabel (typically both leg labels landing on one leg) and becomes NaN, to be gap-filled.
    """
    half = max(1, round(window_s * tr.fps))
    limit = min_jump * _trunk_length(tr.xy_px, tr.names)
    xy = tr.xy_px.copy()
    n = tr.n_frames
    # stack shifted copies: (2*half+1, frames, landmarks, 2), NaN beyond the clip
    shifted = np.full((2 * half + 1, *xy.shape), np.nan)
    for k, off in enumerate(range(-half, half + 1)):
        lo, hi = max(0, -off), min(n, n - off)
        shifted[k, lo:hi] = tr.xy_px[lo + off:hi + off]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        centre = np.nanmedian(shifted, axis=0)
    jump = np.linalg.norm(xy - centre, axis=2)
    spikes = np.isfinite(jump) & (jump > limit)
    xy[spikes] = np.nan
    return replace(tr, xy_px=xy), int(spikes.sum())


def smooth(tr: Trajectories, *, cutoff_hz: float, order: int) -> Trajectories:
    """Zero-lag low-pass Butterworth (forward-backward `filtfilt`) on each unbroken run of every coordinate.

    Runs too short for the filter's padding are left as they are. A cut-off at or above Nyquist is a no-op.
    """
    from scipy.signal import butter, filtfilt

    nyquist = tr.fps / 2.0
    if cutoff_hz >= nyquist:
        return tr
    b, a = butter(order, cutoff_hz / nyquist)
    pad = 3 * max(len(a), len(b))
    xy, z = tr.xy_px.copy(), tr.z_rel.copy()
    for j in range(xy.shape[1]):
        for start, stop in _runs(~np.isnan(xy[:, j, 0])):
            if stop - start <= pad:
                continue
            xy[start:stop, j, 0] = filtfilt(b, a, xy[start:stop, j, 0])
            xy[start:stop, j, 1] = filtfilt(b, a, xy[start:stop, j, 1])
            if not np.isnan(z[start:stop, j]).any():
                z[start:stop, j] = filtfilt(b, a, z[start:stop, j])
    return replace(tr, xy_px=xy, z_rel=z)


def _pair_columns(names: tuple[str, ...], group: tuple[str, ...]) -> tuple[list[int], list[int]]:
    left, right = [], []
    for part in group:
        pair = _MOUTH.get(part, (f"left_{part}", f"right_{part}"))
        left.append(names.index(pair[0]))
        right.append(names.index(pair[1]))
    return left, right


def _trunk_length(xy: FloatArray, names: tuple[str, ...]) -> float:
    sh = (xy[:, names.index("left_shoulder")] + xy[:, names.index("right_shoulder")]) / 2
    hp = (xy[:, names.index("left_hip")] + xy[:, names.index("right_hip")]) / 2
    lengths = np.linalg.norm(sh - hp, axis=1)
    return float(np.nanmedian(lengths)) if np.isfinite(lengths).any() else 1.0


def _labelled(xy: FloatArray, left: list[int], right: list[int]) -> tuple[list[int], FloatArray]:
    """Frames where the group is seen, and their points under both labellings: (seen, 2 states, 2k, 2)."""
    group = np.concatenate([xy[:, left], xy[:, right]], axis=1)
    k = len(left)
    exchanged = np.concatenate([group[:, k:], group[:, :k]], axis=1)
    seen = [i for i in range(xy.shape[0]) if np.isfinite(group[i, :, 0]).any()]
    return seen, np.stack([group[seen], exchanged[seen]], axis=1)


def _lengths(vectors: FloatArray) -> FloatArray:
    """Per-frame sum of per-landmark vector lengths (frames, landmarks, 2) → (frames,), ignoring unseen ones."""
    d = np.linalg.norm(vectors, axis=-1)
    return np.asarray(np.where(np.isfinite(d), d, 0.0).sum(axis=-1), dtype=float)


def _group_swaps(xy: FloatArray, left: list[int], right: list[int], price_px: float) -> NDArray[np.bool_]:
    """Label each frame kept (0) or exchanged (1) so that the group moves most smoothly (Viterbi).

    The path cost is the summed landmark acceleration |p[n] − 2p[n−1] + p[n−2]| under the chosen labels, plus
    `price_px` per landmark for every exchanged frame, so the model is trusted unless overriding it buys a clearly
    smoother path. Acceleration, not position, is used because legs cross in a side view: at the crossing both
    labellings sit in the same place, but only the right one keeps each leg's speed.
    """
    seen, pts = _labelled(xy, left, right)
    flips = np.zeros(xy.shape[0], dtype=bool)
    if len(seen) < 3:
        return flips
    price = price_px * pts.shape[2]
    # acceleration cost of labels (a, b, c) on frames (n-2, n-1, n), for every n at once
    acc = {(a, b, c): _lengths(pts[2:, c] - 2 * pts[1:-1, b] + pts[:-2, a]).tolist()
           for a in (0, 1) for b in (0, 1) for c in (0, 1)}
    # state (a, b) = labels of frames n-1 and n, indexed 2a + b; start with the first two frames' velocity cost
    cost = [float(_lengths(pts[1:2, b] - pts[0:1, a])[0]) + price * (a + b) for a in (0, 1) for b in (0, 1)]
    back = np.zeros((len(seen), 4), dtype=np.int8)
    for n in range(2, len(seen)):
        new = [0.0] * 4
        for b in (0, 1):
            for c in (0, 1):
                via0 = cost[b] + acc[(0, b, c)][n - 2]
                via1 = cost[2 + b] + acc[(1, b, c)][n - 2]
                best = 0 if via0 <= via1 else 1
                new[2 * b + c] = min(via0, via1) + price * c
                back[n, 2 * b + c] = 2 * best + b
        cost = new
    state = int(np.argmin(cost))
    for n in range(len(seen) - 1, 0, -1):
        flips[seen[n]] = bool(state & 1)
        if n == 1:
            flips[seen[0]] = bool(state >> 1)
        else:
            state = int(back[n, state])
    return flips


def _order_violations(xy: FloatArray, left: int, right: int, min_width_px: float) -> NDArray[np.bool_]:
    """Frames where a left/right pair sits in the opposite image order to most of the clip, clearly apart."""
    width = xy[:, left, 0] - xy[:, right, 0]
    finite = np.isfinite(width)
    if not finite.any():
        return np.zeros(len(width), dtype=bool)
    usual = np.sign(np.median(width[finite]))
    return np.asarray(finite & (np.sign(width) == -usual) & (np.abs(width) > min_width_px), dtype=bool)


def correct_swaps(tr: Trajectories, *, price: float, keep_order: bool = False,
                  min_order_width: float = 0.1) -> tuple[Trajectories, SwapReport]:
    """Detect and undo left/right label swaps (legs, arms, head judged separately).

    Each group's labels are chosen for the whole clip at once (see `_group_swaps`), with a price per exchanged
    landmark and frame of `price` × trunk length. If the result exchanges most frames, the model's majority
    labelling wins instead (the clip may have started with the swapped labels).

    With `keep_order` (a front or back view, where the person does not turn round), a group whose root (hips,
    shoulders, ears) appears in the opposite left/right image order to the rest of the clip, more than
    `min_order_width` × trunk length apart, is exchanged as well: the model sometimes lets the hips drift through
    each other smoothly, which no motion criterion can see.
    """
    xy, z, swapped = tr.xy_px.copy(), tr.z_rel.copy(), tr.swapped.copy()
    trunk = _trunk_length(xy, tr.names)
    price_px = price * trunk
    by_group: dict[str, int] = {}
    any_frame = np.zeros(tr.n_frames, dtype=bool)
    majority_relabelled = False
    for group, parts in _SWAP_GROUPS.items():
        left, right = _pair_columns(tr.names, parts)
        flips = _group_swaps(xy, left, right, price_px)
        seen = ~(np.isnan(xy[:, left, 0]).all(axis=1) & np.isnan(xy[:, right, 0]).all(axis=1))
        if seen.any() and flips[seen].mean() > 0.5:
            flips = ~flips  # keep the model's majority labelling; correct the minority
            majority_relabelled = True
        flips &= seen
        if keep_order:
            after = xy.copy()
            after[np.ix_(flips, np.array(left + right))] = xy[np.ix_(flips, np.array(right + left))]
            flips ^= _order_violations(after, left[0], right[0], min_order_width * trunk)
        cols_l, cols_r = np.array(left), np.array(right)
        xy[np.ix_(flips, cols_l)], xy[np.ix_(flips, cols_r)] = xy[np.ix_(flips, cols_r)], xy[np.ix_(flips, cols_l)]
        z[np.ix_(flips, cols_l)], z[np.ix_(flips, cols_r)] = z[np.ix_(flips, cols_r)], z[np.ix_(flips, cols_l)]
        swapped[np.ix_(flips, np.concatenate([cols_l, cols_r]))] = True
        by_group[group] = int(flips.sum())
        any_frame |= flips
    report = SwapReport(int(any_frame.sum()), by_group, majority_relabelled)
    return replace(tr, xy_px=xy, z_rel=z, swapped=swapped), report
