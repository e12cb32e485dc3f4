"""Synthetic posture photos with known angles: a planar skeleton built from chosen angles, placed in front of a
pinhole camera at a random distance and offset, rolled about the optical axis, and projected.

A body plane parallel to the sensor projects as an exact similarity, so every metric must come back as built
(within floating-point error) once the known roll is undone and the known scale (depth / focal length) is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame
from kinetrace.metrics.scale import Scale

__all__ = ["SyntheticPhoto", "front_photo", "side_photo"]

_F_PX, _W, _H = 1500.0, 1080, 1920


@dataclass(frozen=True)
class SyntheticPhoto:
    """A generated frame, its view, roll and scale, and the value every metric must return."""

    frame: PoseFrame
    view: str
    roll_deg: float
    scale: Scale
    expected: dict[tuple[str, str], float]  # (metric_id, side) → value


def _u(deg: float) -> np.ndarray:
    return np.array([math.sin(math.radians(deg)), math.cos(math.radians(deg))])  # unit vector, angle from up


def _project(body: dict[str, np.ndarray], *, direction: float, rng: np.random.Generator,
             hidden: frozenset[str] = frozenset()) -> tuple[PoseFrame, float, Scale]:
    depth = rng.uniform(2500.0, 4000.0)
    roll = rng.uniform(-8.0, 8.0)
    offset = np.array([rng.uniform(-150, 150), rng.uniform(-950, -700)])  # body origin in mm, camera frame
    t = math.radians(-roll)  # the picture turns clockwise by `roll`
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    lms = {}
    for name in LANDMARK_NAMES:
        b = body.get(name)
        if b is None:
            lms[name] = Landmark(0.5, 0.5, visibility=0.0)
            continue
        world = np.array([direction * b[0], b[1]]) + offset
        q = rot @ (_F_PX * world / depth)  # y-up image offsets from the principal point
        u, v = _W / 2 + q[0], _H / 2 - q[1]
        lms[name] = Landmark(u / _W, v / _H, visibility=0.3 if name in hidden else 1.0)
    frame = PoseFrame(landmarks=lms, image_width_px=_W, image_height_px=_H, source="synthetic")
    return frame, roll, Scale(mm_per_px=depth / _F_PX, basis="synthetic")


def side_photo(rng: np.random.Generator) -> SyntheticPhoto:
    """A side view (left or right) with known CVA, trunk inclination, knee angle, offsets or shoulder angle."""
    cva, trunk, knee = rng.uniform(35, 65), rng.uniform(-10, 10), rng.uniform(-10, 12)
    shank = rng.uniform(-6, 6)
    ankle = np.array([0.0, 80.0])
    k = ankle + 430 * _u(shank)
    hip = k + 450 * _u(shank + knee)
    rounded = bool(rng.integers(0, 2))
    if rounded:  # built from the hip: ear direction ε and shoulder at ε + ρ
        eps, rho = rng.uniform(-5, 15), rng.uniform(-10, 10)
        shoulder, ear = hip + 520 * _u(eps + rho), hip + 680 * _u(eps)
    else:
        shoulder = hip + 520 * _u(trunk)
        ear = shoulder + 160 * np.array([math.cos(math.radians(cva)), math.sin(math.radians(cva))])
    facing = 1.0 if rng.integers(0, 2) else -1.0
    view = "right" if facing > 0 else "left"
    far = "left" if view == "right" else "right"
    parts = {"ear": ear, "shoulder": shoulder, "hip": hip, "knee": k, "ankle": ankle,
             "heel": np.array([-50.0, 0.0]), "foot_index": np.array([160.0, 0.0]), "eye": ear + [80.0, 30.0]}
    body = {f"{s}_{n}": p for n, p in parts.items() for s in (view, far)}
    body["nose"] = ear + np.array([110.0, 0.0])
    frame, roll, scale = _project(body, direction=facing, rng=rng, hidden=frozenset(f"{far}_{n}" for n in parts))
    if rounded:
        expected = {("rounded_shoulder_angle", "none"): rho, ("trunk_inclination", "none"): eps + rho}
    else:
        expected = {("craniovertebral_angle", "none"): cva, ("trunk_inclination", "none"): trunk,
                    (("knee_hyperextension", view)): knee,
                    ("forward_head_translation", "none"): float(ear[0] - shoulder[0])}
        expected |= {(f"sagittal_plumb_offset_{n}", "none"): float(parts[n][0] - ankle[0])
                     for n in ("ear", "shoulder", "hip", "knee")}
    return SyntheticPhoto(frame, view, roll, scale, expected)


def front_photo(rng: np.random.Generator) -> SyntheticPhoto:
    """A front or back view with known obliquity, shoulder height difference, trunk shift, head tilt, knees."""
    o, st, ht = rng.uniform(-6, 6), rng.uniform(-6, 6), rng.uniform(-8, 8)
    shift, valgus, lean = rng.uniform(-40, 40), {"left": rng.uniform(-10, 10), "right": rng.uniform(-10, 10)}, \
        rng.uniform(-3, 6)
    pelvis = np.array([rng.uniform(-20, 20), 900.0])

    def level(centre: np.ndarray, half: float, tilt: float) -> tuple[np.ndarray, np.ndarray]:
        d = half * np.array([math.cos(math.radians(tilt)), -math.sin(math.radians(tilt))])
        return centre + d, centre - d  # left (person's left = +x), right

    body: dict[str, np.ndarray] = {}
    body["left_hip"], body["right_hip"] = level(pelvis, 100.0, o)
    for side, sigma in (("left", 1.0), ("right", -1.0)):
        hip = body[f"{side}_hip"]
        knee = hip + 450 * np.array([-sigma * math.sin(math.radians(lean)), -math.cos(math.radians(lean))])
        beta = valgus[side] - lean
        ankle = knee + 430 * np.array([sigma * math.sin(math.radians(beta)), -math.cos(math.radians(beta))])
        body |= {f"{side}_knee": knee, f"{side}_ankle": ankle, f"{side}_heel": ankle + [0.0, -60.0],
                 f"{side}_foot_index": ankle + [sigma * 30.0, -75.0]}
    chest = pelvis + np.array([shift, 520.0])
    body["left_shoulder"], body["right_shoulder"] = level(chest, 180.0, st)
    head = chest + np.array([rng.uniform(-20, 20), 250.0])
    body["left_ear"], body["right_ear"] = level(head, 75.0, ht)
    body["left_eye"], body["right_eye"] = level(head + [0.0, 40.0], 32.0, ht)
    body["nose"] = head + np.array([0.0, 20.0])
    direction = 1.0 if rng.integers(0, 2) else -1.0
    frame, roll, scale = _project(body, direction=direction, rng=rng)
    expected = {("pelvic_obliquity_angle", "none"): o, ("frontal_head_tilt", "none"): ht,
                ("shoulder_height_difference", "none"): 360.0 * math.sin(math.radians(st)),
                ("lateral_trunk_shift", "none"): shift,
                ("standing_knee_frontal_angle", "left"): valgus["left"],
                ("standing_knee_frontal_angle", "right"): valgus["right"]}
    return SyntheticPhoto(frame, "front" if direction > 0 else "back", roll, scale, expected)
