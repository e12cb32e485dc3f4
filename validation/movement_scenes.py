"""Synthetic movement clips with known answers: one scene per movement test, built on `movement_synthetic`.

Each scene returns the pose sequence and the true value of every metric it sets (metric id, side) → value, so
tests and `validation/movement.py` can compare the pipeline's output with the truth.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from validation.movement_synthetic import Body, Camera, render_frame, render_sequence, skeleton

from kinetrace.metrics.pose import Landmark, PoseFrame, PoseSequence

__all__ = ["SCENES", "Scene", "build_scene", "with_swaps"]


@dataclass(frozen=True, slots=True)
class Scene:
    """A synthetic clip, the test it shows, its view, and the true metric values keyed by (metric id, side)."""

    test: str
    view: str
    sequence: PoseSequence
    truth: dict[tuple[str, str], float]
    side: str | None = None


def _bump(t: float, start: float, stop: float) -> float:
    """0 outside [start, stop], rising smoothly to 1 in the middle (a raised cosine)."""
    if t <= start or t >= stop:
        return 0.0
    return 0.5 - 0.5 * math.cos(2 * math.pi * (t - start) / (stop - start))


def _plateau(t: float, start: float, stop: float, ramp: float = 0.3) -> float:
    """0 → 1 over `ramp` seconds after `start`, 1 until `stop - ramp`, back to 0 at `stop`."""
    if t <= start or t >= stop:
        return 0.0
    return min(1.0, (t - start) / ramp, (stop - t) / ramp)


def single_leg_stance(fps: float = 30.0, *, hold_s: float = 3.0, drop: float = 4.0, sway: float = 2.0) -> Scene:
    """Stand on the left leg for `hold_s` with a contralateral pelvic drop and a sinusoidal lateral trunk sway."""
    bodies = []
    for i in range(int((hold_s + 2.0) * fps)):
        t = i / fps
        up = 1.0 <= t < 1.0 + hold_s
        bodies.append(Body(r_hip_flex=30 if up else 0, r_knee_flex=70 if up else 0,
                           pelvic_obliquity=-drop if up else 0,
                           trunk_lateral=sway * math.sin(2 * math.pi * (t - 1.0)) if up else 0))
    seq = render_sequence(bodies, "front", fps=fps, planted="left")
    truth = {("stance_time_s", "left"): hold_s, ("pelvic_drop_deg", "left"): drop,
             ("trunk_sway_deg", "left"): sway / math.sqrt(2)}
    return Scene("single_leg_stance", "front", seq, truth, "left")


def single_leg_squat(fps: float = 30.0, *, valgus: float = 14.0, drop: float = 5.0, lean: float = 6.0) -> Scene:
    """Three single-leg squats on the right leg; valgus, pelvic drop and trunk lean peak at the bottom."""
    bodies = []
    for i in range(int(8.0 * fps)):
        t = i / fps
        lift = _plateau(t, 0.7, 7.6)
        depth = sum(_bump(t, s, s + 2.0) for s in (1.2, 3.2, 5.2))
        bodies.append(Body(l_hip_flex=30 * lift, l_knee_flex=70 * lift, r_hip_flex=45 * depth,
                           r_knee_flex=80 * depth, r_knee_valgus=valgus * depth, pelvic_obliquity=drop * depth,
                           trunk_lateral=-lean * depth, trunk_flex=15 * depth))
    seq = render_sequence(bodies, "front", fps=fps, planted="right")
    truth = {("pelvic_drop_deg", "right"): drop, ("trunk_lean_deg", "right"): lean,
             ("knee_fppa_deg", "right"): _fppa(bodies, seq, "right")}
    return Scene("single_leg_squat", "front", seq, truth, "right")


def _fppa(bodies: list[Body], seq: PoseSequence, side: str) -> float:
    """The true frontal-plane projection angle at the deepest frame, from the skeleton's own 3D points."""
    deepest = int(np.argmax([b.get(side, "knee_flex") for b in bodies]))
    pts = skeleton(bodies[deepest])
    hip, knee, ankle = (pts[f"{side}_{j}"][[0, 2]] for j in ("hip", "knee", "ankle"))
    u, v = hip - knee, ankle - knee
    inner = math.degrees(math.acos(float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))))
    return 180.0 - inner


def _deepest_points(bodies: list[Body], side: str) -> dict[str, np.ndarray]:
    deepest = int(np.argmax([b.get(side, "knee_flex") for b in bodies]))
    return skeleton(bodies[deepest])


def _frontal_shank(bodies: list[Body], side: str) -> float:
    """True frontal shank angle at the deepest frame, + = knee medial to the ankle."""
    pts = _deepest_points(bodies, side)
    knee, ankle = pts[f"{side}_knee"], pts[f"{side}_ankle"]
    lateral = 1.0 if side == "left" else -1.0
    return math.degrees(math.atan2(lateral * (ankle[0] - knee[0]), knee[2] - ankle[2]))


def _heel_rise_pct(bodies: list[Body], side: str) -> float:
    """True change in heel height above the toes (side view), in % of the standing heel–toe length."""
    def rise(points: dict[str, np.ndarray]) -> float:
        return float(points[f"{side}_heel"][2] - points[f"{side}_foot_index"][2])

    standing = skeleton(bodies[0])
    length = float(np.linalg.norm((standing[f"{side}_foot_index"] - standing[f"{side}_heel"])[[1, 2]]))
    return (rise(_deepest_points(bodies, side)) - rise(standing)) / length * 100.0


def squat(view: str, fps: float = 30.0, *, knee: float = 110.0, heel: float = 12.0, arms: float = 150.0) -> Scene:
    """Two overhead squats to `knee`° knee flexion with heel rise and arms at `arms`° shoulder flexion."""
    bodies = []
    for i in range(int(6.0 * fps)):
        t = i / fps
        d = _bump(t, 0.8, 2.8) + _bump(t, 3.2, 5.2)
        bodies.append(Body(l_hip_flex=95 * d, r_hip_flex=95 * d, l_knee_flex=knee * d, r_knee_flex=knee * d,
                           l_heel_rise=heel * d, r_heel_rise=heel * d, l_knee_valgus=24 * d, trunk_flex=40 * d,
                           l_shoulder_flex=arms, r_shoulder_flex=arms))
    seq = render_sequence(bodies, view, fps=fps, planted="left")
    truth = {("depth_knee_flexion_deg", "left"): knee, ("arm_shoulder_flexion_deg", "left"): arms,
             ("trunk_shin_angle_deg", "left"): 40.0 - (knee - 95.0),
             ("knee_medial_shank_deg", "left"): _frontal_shank(bodies, "left"),
             ("knee_medial_shank_deg", "right"): _frontal_shank(bodies, "right"),
             ("heel_rise_pct", "left"): _heel_rise_pct(bodies, "left")}
    return Scene("squat", view, seq, truth)


def overhead_reach(fps: float = 30.0, *, peak: float = 160.0, extension: float = 8.0) -> Scene:
    """Raise the left arm to `peak`° while leaning the trunk back `extension`°, seen from the left side."""
    bodies = [Body(l_shoulder_flex=peak * _bump(i / fps, 0.8, 3.8), trunk_flex=-extension * _bump(i / fps, 0.8, 3.8))
              for i in range(int(4.5 * fps))]
    seq = render_sequence(bodies, "side", fps=fps, planted="left")
    truth = {("shoulder_flexion_deg", "left"): peak, ("lumbar_extension_deg", "left"): extension}
    return Scene("overhead_reach", "side", seq, truth, "left")


def seated_trunk_rotation(fps: float = 30.0, *, left: float = 45.0, right: float = 35.0) -> Scene:
    """Seated, facing the camera: rotate the shoulders `left`° to the left, then `right`° to the right."""
    bodies = [Body(pelvis=(0.0, 0.0, 0.5), l_hip_flex=90, r_hip_flex=90, l_knee_flex=90, r_knee_flex=90,
                   trunk_rotation=left * _bump(i / fps, 0.5, 2.5) - right * _bump(i / fps, 3.0, 5.0))
              for i in range(int(5.5 * fps))]
    seq = render_sequence(bodies, "front", fps=fps)
    return Scene("seated_trunk_rotation", "front", seq,
                 {("trunk_rotation_deg", "left"): left, ("trunk_rotation_deg", "right"): right})


def seated_hip_ir(fps: float = 30.0, *, angle: float = 32.0) -> Scene:
    """Seated, facing the camera: swing the right foot outward `angle`° (hip internal rotation)."""
    bodies = [Body(pelvis=(0.0, 0.0, 0.5), l_hip_flex=90, r_hip_flex=90, l_knee_flex=90, r_knee_flex=90,
                   r_shank_ir=angle * _bump(i / fps, 0.8, 3.8)) for i in range(int(4.5 * fps))]
    seq = render_sequence(bodies, "front", fps=fps)
    return Scene("seated_hip_ir", "front", seq, {("hip_ir_deg", "right"): angle}, "right")


def _foot(t: float, first_contact: float, period: float, stride: float, stance: float) -> tuple[float, float]:
    """Forward position and lift height (m) of a foot that first touches down at `first_contact`."""
    k = math.floor((t - first_contact) / period)
    phase = (t - first_contact) / period - k
    base = first_contact * stride / period + k * stride
    if phase < stance:
        return base + 0.3 * stride, 0.0
    swing = (phase - stance) / (1 - stance)
    return base + 0.3 * stride + stride * (0.5 - 0.5 * math.cos(math.pi * swing)), 0.08 * math.sin(math.pi * swing)


def gait(view: str, fps: float = 30.0, *, left_step: float = 0.52, right_step: float = 0.60,
         drop: float = 5.0) -> Scene:
    """Walk with known step times; the pelvis drops `drop`° on the swing side in each single stance.

    The legs are solved from foot positions, so the feet do not slide. Left step time = right contact → left
    contact. Cadence = 120 / (left_step + right_step) steps per minute.
    """
    period = left_step + right_step
    stride, hip_h = 1.1, 0.80
    frames: list[PoseFrame] = []
    for i in range(int(6.0 * fps)):
        t = 0.3 + i / fps
        pelvis_y = stride / period * t
        feet = {"left": _foot(t, 0.0, period, stride, 0.6), "right": _foot(t, right_step, period, stride, 0.6)}
        ph = {s: ((t - (0.0 if s == "left" else right_step)) / period) % 1.0 for s in feet}
        obliq = -drop * _bump(ph["left"], 0.1, 0.5) + drop * _bump(ph["right"], 0.1, 0.5)
        body = Body(pelvis=(0.0, pelvis_y, hip_h), pelvic_obliquity=obliq)
        frames.append(_walk_frame(body, feet, view, t - 0.3))
    seq = PoseSequence(tuple(frames), fps, source="synthetic", model="synthetic skeleton")
    truth = {("cadence_steps_per_min", "none"): 120.0 / period,
             ("step_time_asymmetry_pct", "none"): abs(left_step - right_step) / (period / 2) * 100.0,
             ("pelvic_drop_deg", "left"): drop, ("pelvic_drop_deg", "right"): drop}
    return Scene("gait", view, seq, truth)


def _walk_frame(body: Body, feet: dict[str, tuple[float, float]], view: str, time_s: float) -> PoseFrame:
    # A wide landscape frame at a small scale keeps six metres of walking in view from the side.
    camera = Camera(view, width_px=1920, height_px=1080, px_per_m=250.0, origin_x_px=150.0, ground_y_px=1000.0)

    # Solve each leg's hip and knee flexion so the ankle sits over the foot position (2-link, sagittal plane).
    angles: dict[str, float] = {}
    pts = skeleton(body)
    for side, (y, lift) in feet.items():
        hip = pts[f"{side}_hip"]
        dy, dz = y - hip[1], (0.085 + lift) - hip[2]
        dist = min(math.hypot(dy, dz), 0.44 + 0.43 - 1e-6)
        knee = math.degrees(math.pi - math.acos((0.44**2 + 0.43**2 - dist**2) / (2 * 0.44 * 0.43)))
        reach = math.degrees(math.atan2(dy, -dz))
        thigh_extra = math.degrees(math.acos((0.44**2 + dist**2 - 0.43**2) / (2 * 0.44 * dist)))
        angles[f"{side[0]}_hip_flex"] = reach + thigh_extra
        angles[f"{side[0]}_knee_flex"] = knee
    posed = replace(body, l_hip_flex=angles["l_hip_flex"], r_hip_flex=angles["r_hip_flex"],
                    l_knee_flex=angles["l_knee_flex"], r_knee_flex=angles["r_knee_flex"])
    return render_frame(posed, camera, time_s=time_s)


def with_swaps(seq: PoseSequence, frames: range) -> PoseSequence:
    """A copy of `seq` where the model mislabelled the legs (left ↔ right) in `frames`."""
    parts = ("hip", "knee", "ankle", "heel", "foot_index")
    out = []
    for i, frame in enumerate(seq.frames):
        if i in frames:
            lms: dict[str, Landmark] = dict(frame.landmarks)
            for p in parts:
                lms[f"left_{p}"], lms[f"right_{p}"] = frame.landmarks[f"right_{p}"], frame.landmarks[f"left_{p}"]
            out.append(replace(frame, landmarks=lms))
        else:
            out.append(frame)
    return replace(seq, frames=tuple(out))


SCENES: dict[str, Callable[[], Scene]] = {
    "single_leg_stance": single_leg_stance,
    "single_leg_squat": single_leg_squat,
    "squat_side": lambda: squat("side"),
    "squat_front": lambda: squat("front"),
    "overhead_reach": overhead_reach,
    "gait_side": lambda: gait("side"),
    "gait_front": lambda: gait("front"),
    "seated_trunk_rotation": seated_trunk_rotation,
    "seated_hip_ir": seated_hip_ir,
}


def build_scene(name: str) -> Scene:
    """Build one named scene from `SCENES`."""
    return SCENES[name]()
