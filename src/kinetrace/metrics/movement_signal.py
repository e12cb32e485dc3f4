"""Landmark trajectories over time, and the signal steps applied before any metric: left/right swap
correction, gap filling up to a stated limit, and zero-lag Butterworth smoothing.

Positions are in pixels (x right, y down) so that angles keep square geometry. A missing landmark (no person in the
frame, or visibility below the limit) is NaN; filling never invents data across a gap longer than the limit.
"""

from __future__ import annotations

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


@dataclass(frozen=True, slots=True)
class SwapReport:
    """What swap correction did: frames where a left/right group was exchanged, per group."""

    frames_corrected: int
    by_group: dict[str, int]
    majority_relabelled: bool


def trajectories_from_sequence(seq: PoseSequence, *, min_visibility: float) -> Trajectories:
    """Put a PoseSequence on a regular frame grid (frame index = round(time × fps)); absent frames are NaN."""
    if not seq.frames or seq.fps <= 0:
        raise ValueError("trajectories_from_sequence needs at least one frame and fps > 0")
    t0 = seq.frames[0].time_s
    idx = [round((f.time_s - t0) * seq.fps) for f in seq.frames]
    n = max(idx) + 1
    xy = np.full((n, len(LANDMARK_NAMES), 2), np.nan)
    z = np.full((n, len(LANDMARK_NAMES)), np.nan)
    detected = np.zeros(n, dtype=bool)
    for i, frame in zip(idx, seq.frames, strict=True):
        detected[i] = True
        w, h = frame.image_width_px, frame.image_height_px
        for j, name in enumerate(LANDMARK_NAMES):
            lm = frame.landmarks.get(name)
            if lm is None or lm.visibility < min_visibility:
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


def _cost(cur_l: FloatArray, cur_r: FloatArray, ref_l: FloatArray, ref_r: FloatArray) -> tuple[float, float, int]:
    """Summed distances of keeping and of exchanging the labels, over landmarks seen in both frames."""
    both = ~(np.isnan(cur_l[:, 0]) | np.isnan(cur_r[:, 0]) | np.isnan(ref_l[:, 0]) | np.isnan(ref_r[:, 0]))
    if not both.any():
        return 0.0, 0.0, 0
    d = np.linalg.norm
    keep = d(cur_l[both] - ref_l[both], axis=1).sum() + d(cur_r[both] - ref_r[both], axis=1).sum()
    swap = d(cur_l[both] - ref_r[both], axis=1).sum() + d(cur_r[both] - ref_l[both], axis=1).sum()
    return float(keep), float(swap), int(both.sum())


def _group_swaps(xy: FloatArray, left: list[int], right: list[int], margin_px: float) -> NDArray[np.bool_]:
    """Decide, frame by frame, whether a left/right group is exchanged relative to the tracked labels.

    Each side is predicted from its last two accepted positions (constant velocity), which keeps the labels apart
    when the legs cross in a side view. A frame is exchanged only when exchanging beats keeping by `margin_px` per
    landmark; otherwise the model's labels are accepted.
    """
    n = xy.shape[0]
    flips = np.zeros(n, dtype=bool)
    last: list[FloatArray] | None = None
    prev: list[FloatArray] | None = None
    for i in range(n):
        cur = [xy[i, left], xy[i, right]]
        if np.isnan(cur[0][:, 0]).all() and np.isnan(cur[1][:, 0]).all():
            continue
        if last is not None:
            pred = last if prev is None else [2 * a - b for a, b in zip(last, prev, strict=True)]
            pred = [np.where(np.isnan(p), a, p) for p, a in zip(pred, last, strict=True)]
            keep, swap, count = _cost(cur[0], cur[1], pred[0], pred[1])
            flips[i] = count > 0 and swap + margin_px * count < keep
        accepted = [cur[1], cur[0]] if flips[i] else cur
        if last is None:
            last = [a.copy() for a in accepted]
        else:
            prev = last
            last = [np.where(np.isnan(a), b, a) for a, b in zip(accepted, last, strict=True)]
    return flips


def correct_swaps(tr: Trajectories, *, margin: float) -> tuple[Trajectories, SwapReport]:
    """Detect and undo left/right label swaps (legs, arms, head judged separately).

    A group is exchanged in a frame when exchanging it brings each landmark closer to its side's last accepted
    position by more than `margin` × trunk length on average. If the corrected labelling disagrees with the model in
    most frames, the model's majority labelling wins instead (the first frame may be the swapped one).
    """
    xy, z, swapped = tr.xy_px.copy(), tr.z_rel.copy(), tr.swapped.copy()
    margin_px = margin * _trunk_length(xy, tr.names)
    by_group: dict[str, int] = {}
    any_frame = np.zeros(tr.n_frames, dtype=bool)
    majority_relabelled = False
    for group, parts in _SWAP_GROUPS.items():
        left, right = _pair_columns(tr.names, parts)
        flips = _group_swaps(xy, left, right, margin_px)
        seen = ~(np.isnan(xy[:, left, 0]).all(axis=1) & np.isnan(xy[:, right, 0]).all(axis=1))
        if seen.any() and flips[seen].mean() > 0.5:
            flips = ~flips  # keep the model's majority labelling; correct the minority
            majority_relabelled = True
        flips &= seen
        cols_l, cols_r = np.array(left), np.array(right)
        xy[np.ix_(flips, cols_l)], xy[np.ix_(flips, cols_r)] = xy[np.ix_(flips, cols_r)], xy[np.ix_(flips, cols_l)]
        z[np.ix_(flips, cols_l)], z[np.ix_(flips, cols_r)] = z[np.ix_(flips, cols_r)], z[np.ix_(flips, cols_l)]
        swapped[np.ix_(flips, np.concatenate([cols_l, cols_r]))] = True
        by_group[group] = int(flips.sum())
        any_frame |= flips
    report = SwapReport(int(any_frame.sum()), by_group, majority_relabelled)
    return replace(tr, xy_px=xy, z_rel=z, swapped=swapped), report
