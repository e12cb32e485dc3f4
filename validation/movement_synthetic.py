"""A synthetic person: a 3D stick skeleton posed by joint angles and projected to BlazePose landmarks.

Used to check that the movement pipeline recovers known angles (unit tests and `validation/movement.py`); it
lives outside the installed package, so import it from a source checkout as `validation.movement_synthetic`.
Body axes: x = the person's left, y = forward, z = up, metres, ground at z = 0. Cameras are orthographic: `front`
looks at the person's front (their left is image right); `side` looks at their left side (they face image right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from kinetrace.metrics.movement.signal import FloatArray
from kinetrace.metrics.pose import Landmark, PoseFrame, PoseSequence, Provenance

__all__ = ["Body", "Camera", "ankle_position", "render_frame", "render_sequence", "skeleton"]

# Segment lengths (m) of an adult of about 1.75 m.
_HALF_HIP, _THIGH, _SHANK, _TRUNK, _HALF_SHOULDER = 0.09, 0.44, 0.43, 0.50, 0.19
_UPPER_ARM, _FOREARM = 0.30, 0.27
_IMAGE_W, _IMAGE_H, _SCALE, _GROUND_PX = 1080, 1920, 800.0, 1800.0


@dataclass(frozen=True, slots=True)
class Body:
    """Joint angles (degrees) and pelvis position (m) for one frame; `l_`/`r_` prefix the sides.

    Signs: trunk_flex forward; trunk_lateral to the left; trunk_rotation to the left; pelvic_obliquity = left hip
    lower; hip_flex forward; hip_abd lateral; knee_flex backward bend; knee_valgus = knee medial (half from the
    thigh, half from the shank); shank_ir = foot swung laterally about the thigh axis; heel_rise = foot pitched
    up at the heel; shoulder_flex forward/up.
    """

    pelvis: tuple[float, float, float] = (0.0, 0.0, 0.87)
    pelvic_obliquity: float = 0.0
    trunk_flex: float = 0.0
    trunk_lateral: float = 0.0
    trunk_rotation: float = 0.0
    l_hip_flex: float = 0.0
    r_hip_flex: float = 0.0
    l_hip_abd: float = 0.0
    r_hip_abd: float = 0.0
    l_knee_flex: float = 0.0
    r_knee_flex: float = 0.0
    l_knee_valgus: float = 0.0
    r_knee_valgus: float = 0.0
    l_shank_ir: float = 0.0
    r_shank_ir: float = 0.0
    l_heel_rise: float = 0.0
    r_heel_rise: float = 0.0
    l_shoulder_flex: float = 0.0
    r_shoulder_flex: float = 0.0

    def get(self, side: str, joint: str) -> float:
        """One side's joint angle, e.g. `get("left", "knee_flex")`."""
        return float(getattr(self, f"{side[0]}_{joint}"))


def _rx(deg: float) -> FloatArray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _ry(deg: float) -> FloatArray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rz(deg: float) -> FloatArray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _about(axis: FloatArray, deg: float) -> FloatArray:
    """Rotation matrix about a unit axis (Rodrigues)."""
    k = axis / np.linalg.norm(axis)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    a = math.radians(deg)
    return np.asarray(np.eye(3) + math.sin(a) * kx + (1 - math.cos(a)) * kx @ kx, dtype=float)


_DOWN = np.array([0.0, 0.0, -1.0])


def _leg(body: Body, side: str, hip: FloatArray) -> dict[str, FloatArray]:
    lat = 1.0 if side == "left" else -1.0
    abd, valgus = body.get(side, "hip_abd"), body.get(side, "knee_valgus")
    hip_flex, knee_flex = body.get(side, "hip_flex"), body.get(side, "knee_flex")
    thigh = _ry(-lat * (abd - valgus / 2)) @ _rx(hip_flex) @ _DOWN
    shank = _ry(-lat * (abd + valgus / 2)) @ _rx(hip_flex - knee_flex) @ _DOWN
    shank = _about(thigh, -lat * body.get(side, "shank_ir")) @ shank
    knee = hip + _THIGH * thigh
    ankle = knee + _SHANK * shank
    pitch = _rx(-body.get(side, "heel_rise"))
    return {"hip": hip, "knee": knee, "ankle": ankle, "heel": ankle + pitch @ np.array([0.0, -0.05, -0.06]),
            "foot_index": ankle + pitch @ np.array([0.0, 0.17, -0.06])}


def _arm(body: Body, side: str, shoulder: FloatArray, trunk: FloatArray) -> dict[str, FloatArray]:
    direction = trunk @ _rx(body.get(side, "shoulder_flex")) @ _DOWN
    elbow = shoulder + _UPPER_ARM * direction
    wrist = elbow + _FOREARM * direction
    lat = np.array([1.0 if side == "left" else -1.0, 0.0, 0.0])
    return {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "pinky": wrist + 0.08 * direction + 0.02 * lat,
            "index": wrist + 0.09 * direction, "thumb": wrist + 0.05 * direction - 0.02 * lat}


def _head(centre: FloatArray, trunk: FloatArray) -> dict[str, FloatArray]:
    def at(x: float, y: float, z: float) -> FloatArray:
        return np.asarray(centre + trunk @ np.array([x, y, z]), dtype=float)

    points = {"nose": at(0, 0.10, 0), "left_ear": at(0.075, 0, 0), "right_ear": at(-0.075, 0, 0),
              "mouth_left": at(0.025, 0.09, -0.04), "mouth_right": at(-0.025, 0.09, -0.04)}
    for side, lat in (("left", 1.0), ("right", -1.0)):
        points[f"{side}_eye"] = at(lat * 0.032, 0.09, 0.03)
        points[f"{side}_eye_inner"] = at(lat * 0.015, 0.095, 0.03)
        points[f"{side}_eye_outer"] = at(lat * 0.05, 0.085, 0.03)
    return points


def skeleton(body: Body) -> dict[str, FloatArray]:
    """3D positions (m) of all 33 BlazePose landmarks for one pose."""
    pelvis = np.asarray(body.pelvis, dtype=float)
    pel = _ry(body.pelvic_obliquity)
    trunk = _ry(body.trunk_lateral) @ _rx(-body.trunk_flex) @ _rz(-body.trunk_rotation)
    sh_mid = pelvis + trunk @ np.array([0.0, 0.0, _TRUNK])
    points: dict[str, FloatArray] = {}
    for side, lat in (("left", 1.0), ("right", -1.0)):
        for name, p in _leg(body, side, pelvis + pel @ np.array([lat * _HALF_HIP, 0, 0])).items():
            points[f"{side}_{name}"] = p
        shoulder = sh_mid + trunk @ np.array([lat * _HALF_SHOULDER, 0, 0])
        for name, p in _arm(body, side, shoulder, trunk).items():
            points[f"{side}_{name}"] = p
    points.update(_head(sh_mid + trunk @ np.array([0.0, 0.0, 0.22]), trunk))
    return points


def ankle_position(body: Body, side: str) -> FloatArray:
    """3D position of one ankle (used to keep a stance foot planted while the body moves)."""
    return skeleton(body)[f"{side}_ankle"]


@dataclass(frozen=True, slots=True)
class Camera:
    """An orthographic camera: view, image size, scale and where the body origin lands in the image."""

    view: str = "front"
    width_px: int = _IMAGE_W
    height_px: int = _IMAGE_H
    px_per_m: float = _SCALE
    origin_x_px: float = _IMAGE_W / 2
    ground_y_px: float = _GROUND_PX

    def project(self, p: FloatArray) -> tuple[float, float, float]:
        """Image x, y and depth (pixels; larger depth = farther) of a 3D point."""
        u, depth = (p[0], -p[1]) if self.view == "front" else (p[1], -p[0])
        return self.origin_x_px + u * self.px_per_m, self.ground_y_px - p[2] * self.px_per_m, depth * self.px_per_m


def render_frame(body: Body, view: str | Camera, *, time_s: float = 0.0) -> PoseFrame:
    """One PoseFrame of `body` seen from `view` ("front", "side" or a `Camera`); default 1080×1920 portrait."""
    cam = view if isinstance(view, Camera) else Camera(view)
    landmarks = {}
    for name, p in skeleton(body).items():
        x, y, z = cam.project(p)
        landmarks[name] = Landmark(x / cam.width_px, y / cam.height_px, z / cam.width_px, 0.99,
                                   provenance=Provenance.SYNTHETIC)
    return PoseFrame(landmarks, cam.width_px, cam.height_px, time_s=time_s, source="synthetic")


def render_sequence(bodies: list[Body], view: str, *, fps: float, planted: str | None = None) -> PoseSequence:
    """Render poses at `fps`; `planted` ("left", "right") shifts each pose so that ankle stays where it started."""
    frames = []
    anchor = ankle_position(bodies[0], planted) if planted else None
    for i, body in enumerate(bodies):
        placed = body
        if planted and anchor is not None:
            shift = anchor - ankle_position(body, planted)
            x, y, z = (float(v) for v in np.asarray(body.pelvis) + shift)
            placed = replace(body, pelvis=(x, y, z))
        frames.append(render_frame(placed, view, time_s=i / fps))
    return PoseSequence(tuple(frames), fps, source="synthetic", model="synthetic skeleton")
