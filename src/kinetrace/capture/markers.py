"""BlazePose landmarks as the OpenSim model's markers, the body frame and the TRC file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kinetrace.metrics.pose import LANDMARK_NAMES

__all__ = ["MARKERS", "body_frame", "marker_array", "write_trc"]

# OpenSim marker (Markers_BlazePose.xml) ← Kinetrace landmark
MARKERS: dict[str, str] = {
    "Nose": "nose", "LEye": "left_eye", "REye": "right_eye",
    "LShoulder": "left_shoulder", "RShoulder": "right_shoulder", "LElbow": "left_elbow", "RElbow": "right_elbow",
    "LWrist": "left_wrist", "RWrist": "right_wrist", "LHip": "left_hip", "RHip": "right_hip",
    "LKnee": "left_knee", "RKnee": "right_knee", "LAnkle": "left_ankle", "RAnkle": "right_ankle",
    "LBigToe": "left_foot_index", "LHeel": "left_heel", "RBigToe": "right_foot_index", "RHeel": "right_heel",
    "RThumb": "right_thumb", "RPinky": "right_pinky", "RIndex": "right_index",
    "LThumb": "left_thumb", "LPinky": "left_pinky", "LIndex": "left_index",
}
_INDEX = {n: i for i, n in enumerate(LANDMARK_NAMES)}


def marker_array(points: np.ndarray) -> np.ndarray:
    """Select the 25 model markers from frames×33×3 landmarks → frames×25×3."""
    return points[:, [_INDEX[v] for v in MARKERS.values()], :]


def body_frame(points: np.ndarray, start: int, end: int) -> np.ndarray:
    """Rotation (3×3) from the lab frame to OpenSim's frame (X forward, Y up, Z right) for the stillest window.

    Up is mean mid-ankle → mid-shoulder; right is the hip line made horizontal; forward completes the frame.
    Any lab convention (Z-up Qualisys, Y-down OpenCV boards) then gives the same model coordinates.
    """
    w = points[start:end]

    def mid(a: str, b: str) -> np.ndarray:
        return np.asarray(np.nanmean((w[:, _INDEX[a]] + w[:, _INDEX[b]]) / 2.0, axis=0))

    up = mid("left_shoulder", "right_shoulder") - mid("left_ankle", "right_ankle")
    up /= np.linalg.norm(up)
    right = np.nanmean(w[:, _INDEX["right_hip"]] - w[:, _INDEX["left_hip"]], axis=0)
    right -= up * float(right @ up)
    right /= np.linalg.norm(right)
    forward = np.cross(up, right)
    return np.vstack([forward, up, right])


def write_trc(path: Path, markers_m: np.ndarray, fps: float, names: list[str] | None = None) -> Path:
    """Write frames×markers×3 (m) as an OpenSim `.trc` file; a missing marker is written NaN (IK skips it)."""
    names = names or list(MARKERS)
    n, m, _ = markers_m.shape
    lines = [f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
             "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
             f"{fps:g}\t{fps:g}\t{n}\t{m}\tm\t{fps:g}\t1\t{n}",
             "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
             "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, m + 1)), ""]
    for f in range(n):
        vals = "\t".join("NaN" if not np.isfinite(v) else f"{v:.6f}" for v in markers_m[f].ravel())
        lines.append(f"{f + 1}\t{f / fps:.6f}\t{vals}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
