"""Clinical angles of a 3-D trial: from the OpenSim coordinates and, where the model is rigid, from the markers.

Sign conventions (OpenSim model frame: X forward, Y up, Z right):
- hip rotation: positive = internal rotation (`hip_rotation_r/l`); hip flexion: positive = flexion
  (`hip_flexion_r/l`), about 90° when sitting (the seated tests' position check, `capture.protocols`).
- pelvic tilt: positive = anterior tilt (minus `pelvis_tilt`); obliquity: positive = right side low
  (`pelvis_list`); rotation: positive = right side forward (`pelvis_rotation`). Pelvic angles are relative to the
  body frame found in the stillest window, so standing still reads near zero for rotation.
- lumbar rotation: `L5_S1_axial_rotation` (trunk on pelvis). Thoracic rotation: the shoulder line turned against
  the hip line about the trunk's long axis, from the 3-D markers (the model's thorax is one rigid body).
- shoulder elevation: humerus flexion (`arm_flex_r/l`); trunk extension: the mid-hip → mid-shoulder line leaning
  back from vertical in the sagittal plane (BlazePose markers cannot separate lumbar extension from pelvic tilt).
"""

from __future__ import annotations

import numpy as np

from kinetrace.metrics.pose import LANDMARK_NAMES

__all__ = ["ANGLES", "clinical_angles"]

_I = {n: i for i, n in enumerate(LANDMARK_NAMES)}

# angle id → description (unit degrees)
ANGLES: dict[str, str] = {
    "hip_rotation_left": "left hip internal (+) / external (−) rotation",
    "hip_rotation_right": "right hip internal (+) / external (−) rotation",
    "hip_flexion_left": "left hip flexion (+) / extension (−)",
    "hip_flexion_right": "right hip flexion (+) / extension (−)",
    "pelvic_tilt": "pelvic anterior (+) / posterior (−) tilt",
    "pelvic_obliquity": "pelvic obliquity, right side low (+)",
    "pelvic_rotation": "pelvic rotation, right side forward (+)",
    "lumbar_rotation": "lumbar (L5/S1) axial rotation",
    "thoracic_rotation": "shoulder line against hip line, rotation about the trunk axis",
    "shoulder_elevation_left": "left humerus elevation (flexion)",
    "shoulder_elevation_right": "right humerus elevation (flexion)",
    "trunk_extension": "trunk leaning back (+) from vertical, sagittal plane",
}


def _thoracic_rotation(pts: np.ndarray) -> np.ndarray:
    hips = pts[:, _I["right_hip"]] - pts[:, _I["left_hip"]]
    shoulders = pts[:, _I["right_shoulder"]] - pts[:, _I["left_shoulder"]]
    axis = (
        pts[:, _I["left_shoulder"]] + pts[:, _I["right_shoulder"]] - pts[:, _I["left_hip"]] - pts[:, _I["right_hip"]]
    ) / 2.0
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)

    def flat(v: np.ndarray) -> np.ndarray:
        return np.asarray(v - axis * np.sum(v * axis, axis=1, keepdims=True))

    a, b = flat(hips), flat(shoulders)
    sin = np.sum(np.cross(a, b) * axis, axis=1)
    cos = np.sum(a * b, axis=1)
    return np.asarray(np.degrees(np.arctan2(sin, cos)))


def _trunk_extension(pts: np.ndarray) -> np.ndarray:
    trunk = (
        pts[:, _I["left_shoulder"]] + pts[:, _I["right_shoulder"]] - pts[:, _I["left_hip"]] - pts[:, _I["right_hip"]]
    ) / 2.0
    return np.asarray(np.degrees(np.arctan2(-trunk[:, 0], trunk[:, 1])))  # X forward, Y up


def clinical_angles(coords: dict[str, np.ndarray], points_model: np.ndarray) -> dict[str, np.ndarray]:
    """Per-frame clinical angles (deg) from IK coordinates and the 33 landmarks in the model frame (frames×33×3)."""
    return {
        "hip_rotation_left": coords["hip_rotation_l"],
        "hip_rotation_right": coords["hip_rotation_r"],
        "hip_flexion_left": coords["hip_flexion_l"],
        "hip_flexion_right": coords["hip_flexion_r"],
        "pelvic_tilt": -coords["pelvis_tilt"],
        "pelvic_obliquity": coords["pelvis_list"],
        "pelvic_rotation": coords["pelvis_rotation"],
        "lumbar_rotation": coords["L5_S1_axial_rotation"],
        "thoracic_rotation": _thoracic_rotation(points_model),
        "shoulder_elevation_left": coords["arm_flex_l"],
        "shoulder_elevation_right": coords["arm_flex_r"],
        "trunk_extension": _trunk_extension(points_model),
    }
