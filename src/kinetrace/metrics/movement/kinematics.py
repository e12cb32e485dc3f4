"""Joint and segment angles over time from landmark trajectories, per camera view.

Conventions (degrees; image y points down):

- front view: `pelvic_obliquity_deg` + when the left hip is lower; `trunk_lateral_deg` + when the trunk leans to
  the person's left; `fppa_<side>_deg` knee frontal-plane projection angle, + = valgus (knee medial to the
  hip–ankle line); `shank_lateral_<side>_deg` shank angle from vertical, + = ankle lateral to the knee (seated hip
  internal rotation), which is also the knee sitting medial to the ankle (squat valgus, readable at any depth);
  `trunk_rotation_deg` shoulder-line rotation about the vertical from its widest (square-on) width, + = to the
  left; `pelvis_rotation_deg` the same for the hip line (the seated test keeps the pelvis still, so it is only
  checked, not subtracted: the narrow hip line is too noisy to subtract).
- side view: `knee_flexion_<side>_deg` 0 when straight; `trunk_incl_deg` and `shin_incl_<side>_deg` from
  vertical, + = forward (the way the person faces); `shoulder_flexion_<side>_deg` arm from the trunk line, 0 by
  the side, 180 overhead; `thigh_below_parallel_<side>_deg` + when the hip is below the knee; `heel_rise_<side>_pct`
  heel height above the toes in % of foot length; `ankle_forward_<side>_leg` ankle ahead of the hip centre in leg
  lengths (gait contacts).

The person's left is found from the landmarks themselves (left hip minus right hip), so a back view works for
frontal-plane angles as well as a front view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kinetrace.metrics.movement.signal import FloatArray, Trajectories
from kinetrace.metrics.movement.spec import View
from kinetrace.values import Side

__all__ = ["Kinematics", "compute_kinematics", "detect_view"]

_SIDES = (Side.LEFT, Side.RIGHT)


@dataclass(frozen=True, slots=True)
class Kinematics:
    """Per-frame angle series of one clip and the body scale used to normalise distances."""

    view: View
    series: dict[str, FloatArray]
    leg_length_px: float
    trunk_length_px: float
    facing: int
    near_side: str


def _mid(tr: Trajectories, part: str) -> FloatArray:
    return (tr.point(f"left_{part}") + tr.point(f"right_{part}")) / 2.0


def _nanmedian(values: FloatArray, default: float = float("nan")) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else default


def _angle_at(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Angle ABC in degrees, per frame."""
    u, v = a - b, c - b
    with np.errstate(invalid="ignore", divide="ignore"):  # a zero-length segment gives NaN, not a warning
        cos = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=float)


def _from_vertical(lower: FloatArray, upper: FloatArray, forward: float) -> FloatArray:
    """Inclination of the segment lower→upper from vertical, + toward `forward` (+1 = image right)."""
    d = upper - lower
    return np.degrees(np.arctan2(forward * d[:, 0], -d[:, 1]))


def detect_view(tr: Trajectories, *, front_min_ratio: float) -> View:
    """Front when the shoulders look wide relative to the trunk (median ratio ≥ `front_min_ratio`), else side."""
    width = np.linalg.norm(tr.point("left_shoulder") - tr.point("right_shoulder"), axis=1)
    trunk = np.linalg.norm(_mid(tr, "shoulder") - _mid(tr, "hip"), axis=1)
    ratio = _nanmedian(width / trunk, default=0.0)
    return View.FRONT if ratio >= front_min_ratio else View.SIDE


def _scales(tr: Trajectories) -> tuple[float, float]:
    legs = []
    for s in _SIDES:
        thigh = np.linalg.norm(tr.point(f"{s}_hip") - tr.point(f"{s}_knee"), axis=1)
        shank = np.linalg.norm(tr.point(f"{s}_knee") - tr.point(f"{s}_ankle"), axis=1)
        legs.append(_nanmedian(thigh + shank))
    trunk = _nanmedian(np.linalg.norm(_mid(tr, "shoulder") - _mid(tr, "hip"), axis=1), default=1.0)
    leg = float(np.nanmean(legs)) if np.isfinite(legs).any() else 1.7 * trunk
    return leg, trunk


def _left_sign(tr: Trajectories) -> float:
    """+1 when the person's left is image right (facing the camera), −1 when seen from behind."""
    dx = _nanmedian(tr.point("left_hip")[:, 0] - tr.point("right_hip")[:, 0], default=1.0)
    return 1.0 if dx >= 0 else -1.0


def _front_series(tr: Trajectories) -> dict[str, FloatArray]:
    lx = _left_sign(tr)
    lh, rh = tr.point("left_hip"), tr.point("right_hip")
    out: dict[str, FloatArray] = {
        "pelvic_obliquity_deg": np.degrees(np.arctan2(lh[:, 1] - rh[:, 1], np.abs(lh[:, 0] - rh[:, 0]))),
        "trunk_lateral_deg": _from_vertical(_mid(tr, "hip"), _mid(tr, "shoulder"), lx),
    }
    for s in _SIDES:
        hip, knee, ankle = tr.point(f"{s}_hip"), tr.point(f"{s}_knee"), tr.point(f"{s}_ankle")
        lateral = lx if s == Side.LEFT else -lx
        frac = (knee[:, 1] - hip[:, 1]) / (ankle[:, 1] - hip[:, 1])
        line_x = hip[:, 0] + frac * (ankle[:, 0] - hip[:, 0])
        medial = np.sign((line_x - knee[:, 0]) * lateral)
        out[f"fppa_{s}_deg"] = medial * (180.0 - _angle_at(hip, knee, ankle))
        out[f"shank_lateral_{s}_deg"] = _from_vertical(ankle, knee, -lateral)
    out["trunk_rotation_deg"] = _rotation(tr, "shoulder")
    out["pelvis_rotation_deg"] = _rotation(tr, "hip")
    return out


def _rotation(tr: Trajectories, part: str) -> FloatArray:
    """Rotation of a left–right segment about the vertical axis from its foreshortening, + = toward the left."""
    left, right = tr.point(f"left_{part}"), tr.point(f"right_{part}")
    width = np.abs(left[:, 0] - right[:, 0])
    finite = width[np.isfinite(width)]
    full = float(np.percentile(finite, 95)) if finite.size else float("nan")
    angle = np.degrees(np.arccos(np.clip(width / full, 0.0, 1.0)))
    depth = tr.z_rel[:, tr.index(f"left_{part}")] - tr.z_rel[:, tr.index(f"right_{part}")]
    return np.where(depth >= 0, angle, -angle)  # the left point going away (larger z) = turned to the left


def _facing(tr: Trajectories, leg_px: float) -> int:
    """+1 when the person faces image right: the way they travel if they cover a leg length, else toes/nose."""
    hip_x = _mid(tr, "hip")[:, 0]
    seen = hip_x[np.isfinite(hip_x)]
    if seen.size > 1 and abs(seen[-1] - seen[0]) > leg_px:
        return 1 if seen[-1] > seen[0] else -1
    toes = [_nanmedian(tr.point(f"{s}_foot_index")[:, 0] - tr.point(f"{s}_heel")[:, 0]) for s in _SIDES]
    toe = float(np.nanmean(toes)) if np.isfinite(toes).any() else float("nan")
    if np.isfinite(toe) and toe != 0:
        return 1 if toe > 0 else -1
    nose = _nanmedian(tr.point("nose")[:, 0] - _mid(tr, "ear")[:, 0], default=1.0)
    return 1 if nose >= 0 else -1


def _side_series(tr: Trajectories, facing: int, leg_px: float) -> dict[str, FloatArray]:
    hip_mid, sh_mid = _mid(tr, "hip"), _mid(tr, "shoulder")
    out: dict[str, FloatArray] = {"trunk_incl_deg": _from_vertical(hip_mid, sh_mid, facing)}
    for s in _SIDES:
        hip, knee, ankle = tr.point(f"{s}_hip"), tr.point(f"{s}_knee"), tr.point(f"{s}_ankle")
        shoulder, elbow = tr.point(f"{s}_shoulder"), tr.point(f"{s}_elbow")
        heel, toe = tr.point(f"{s}_heel"), tr.point(f"{s}_foot_index")
        out[f"knee_flexion_{s}_deg"] = 180.0 - _angle_at(hip, knee, ankle)
        out[f"shin_incl_{s}_deg"] = _from_vertical(ankle, knee, facing)
        down, arm = hip - shoulder, elbow - shoulder
        cross = down[:, 0] * arm[:, 1] - down[:, 1] * arm[:, 0]
        flex = -facing * np.degrees(np.arctan2(cross, np.sum(down * arm, axis=1)))
        out[f"shoulder_flexion_{s}_deg"] = np.where(flex < -90.0, flex + 360.0, flex)
        out[f"thigh_below_parallel_{s}_deg"] = np.degrees(
            np.arctan2(hip[:, 1] - knee[:, 1], np.abs(hip[:, 0] - knee[:, 0])))
        foot = _nanmedian(np.linalg.norm(toe - heel, axis=1), default=1.0)
        out[f"heel_rise_{s}_pct"] = (toe[:, 1] - heel[:, 1]) / foot * 100.0
        out[f"ankle_forward_{s}_leg"] = facing * (ankle[:, 0] - hip_mid[:, 0]) / leg_px
    return out


def _slow(points: FloatArray, fps: float, cutoff_hz: float) -> FloatArray:
    """Positions low-passed at `cutoff_hz` (zero lag) over each unbroken run, for differentiation.

    Walking feet move at about 1 Hz and differentiating amplifies jitter, so speeds use a harder filter.
    """
    from scipy.signal import butter, filtfilt

    if fps / 2 <= cutoff_hz:
        return points
    b, a = butter(2, cutoff_hz / (fps / 2))
    out = points.copy()
    finite = np.isfinite(points[:, 0])
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(np.int8), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start > 9:
            out[start:stop] = filtfilt(b, a, points[start:stop], axis=0)
    return out


def _common_series(tr: Trajectories, leg_px: float, speed_cutoff_hz: float) -> dict[str, FloatArray]:
    hip_mid = _mid(tr, "hip")
    out = {"hip_mid_x_leg": hip_mid[:, 0] / leg_px, "hip_mid_y_leg": hip_mid[:, 1] / leg_px}
    for s in _SIDES:
        ankle = tr.point(f"{s}_ankle")
        out[f"ankle_y_{s}_leg"] = ankle[:, 1] / leg_px
        # Seated check: the knee's drop below the hip as a share of the hip-to-ankle height (about 0.5 standing,
        # near 0 seated facing the camera, where the thigh points at the lens).
        hip_y, knee_y = tr.point(f"{s}_hip")[:, 1], tr.point(f"{s}_knee")[:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"thigh_drop_{s}_share"] = (knee_y - hip_y) / (ankle[:, 1] - hip_y)
        # Overhead-reach check: the wrist above the nose, in leg lengths (+ = above the head).
        out[f"wrist_above_nose_{s}_leg"] = (tr.point("nose")[:, 1] - tr.point(f"{s}_wrist")[:, 1]) / leg_px
        slow = _slow(ankle, tr.fps, speed_cutoff_hz)
        velocity = np.gradient(slow, axis=0) * tr.fps if tr.n_frames > 1 else np.zeros_like(ankle)
        out[f"ankle_speed_{s}_leg_per_s"] = np.linalg.norm(velocity, axis=1) / leg_px
    return out


def compute_kinematics(tr: Trajectories, view: View, *, speed_cutoff_hz: float = 3.0) -> Kinematics:
    """Return every angle series meaningful in `view`, plus hip and ankle paths in leg lengths.

    Foot speeds are taken from positions low-passed at `speed_cutoff_hz` (processing.speed_cutoff_hz).
    """
    leg, trunk = _scales(tr)
    facing = _facing(tr, leg) if view is View.SIDE else 0
    series = _common_series(tr, leg, speed_cutoff_hz)
    series.update(_front_series(tr) if view is View.FRONT else _side_series(tr, facing, leg))
    z_left = _nanmedian(tr.z_rel[:, tr.index("left_hip")], default=0.0)
    z_right = _nanmedian(tr.z_rel[:, tr.index("right_hip")], default=0.0)
    near = Side.LEFT if z_left <= z_right else Side.RIGHT
    return Kinematics(view, series, leg, trunk, facing, near)
