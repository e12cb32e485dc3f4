"""Pose2Sim demo footage for validation: Qualisys calibration, DLT triangulation, per-camera pose detection.

The Pose2Sim wheel (BSD-3-Clause) ships `Demo_SinglePerson`: four calibrated cameras filming one person
(`scripts/setup.d/40-media.sh` puts them in `$KT_CACHE/media/pose2sim`). This module reads the Qualisys
`Calib.qca.txt` into OpenCV-style projection matrices and triangulates 2-D landmarks from several cameras
with a visibility-weighted direct linear transform (DLT). Reusable by the movement validation.

Conventions: world coordinates in millimetres, Z up (the lab's vertical); image pixels x right, y down.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "triangulate_frame",
    "Camera",
    "demo_dir",
    "detect_video",
    "load_qca",
    "reprojection_error_px",
    "triangulate",
    "triangulate_robust",
]

@dataclass(frozen=True)
class Camera:
    """One calibrated camera: name, image size, intrinsics K and world→camera rotation R, translation t (mm)."""

    name: str
    width_px: int
    height_px: int
    K: np.ndarray
    R: np.ndarray
    t: np.ndarray

    @property
    def P(self) -> np.ndarray:
        """3×4 projection matrix (world mm → homogeneous pixels)."""
        return self.K @ np.hstack([self.R, self.t.reshape(3, 1)])

    def project(self, X: np.ndarray) -> np.ndarray:
        """Project world points (N×3, mm) to pixels (N×2)."""
        Xh = np.hstack([np.atleast_2d(X), np.ones((np.atleast_2d(X).shape[0], 1))])
        uvw = Xh @ self.P.T
        return uvw[:, :2] / uvw[:, 2:3]


def demo_dir() -> Path:
    """Return the extracted Pose2Sim single-person demo folder (raises FileNotFoundError with a hint)."""
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[1] / ".cache"))
    d = cache / "media" / "pose2sim" / "Demo_SinglePerson"
    if not (d / "calibration" / "Calib.qca.txt").is_file():
        raise FileNotFoundError(f"{d} is missing; run `bash scripts/setup.d/40-media.sh` first")
    return d


def load_qca(path: str | Path) -> list[Camera]:
    """Read a Qualisys `.qca.txt` calibration into cameras sorted by name, in millimetres.

    The file is parsed by the package's own reader (`kinetrace.capture.cameras`, metres); this harness works in the
    calibration's millimetres, so only the translation is rescaled.
    """
    from kinetrace.capture.cameras import load_calibration

    return [Camera(name=c.name, width_px=c.width_px, height_px=c.height_px, K=c.K, R=c.R, t=c.t * 1000.0)
            for c in load_calibration(path)]


def triangulate(projections: Sequence[np.ndarray], points_px: Sequence[tuple[float, float]],
                weights: Sequence[float]) -> np.ndarray | None:
    """DLT triangulation of one point seen by several cameras, each row weighted; None if < 2 cameras."""
    rows = []
    for P, (u, v), w in zip(projections, points_px, weights, strict=True):
        if w <= 0:
            continue
        rows.append(w * (u * P[2] - P[0]))
        rows.append(w * (v * P[2] - P[1]))
    if len(rows) < 4:
        return None
    _, _, vt = np.linalg.svd(np.asarray(rows))
    X = vt[-1]
    return X[:3] / X[3]


def reprojection_error_px(cams: Sequence[Camera], X: np.ndarray, points_px: Sequence[tuple[float, float]],
                          weights: Sequence[float]) -> float:
    """Mean distance (pixels) between the observed points and the reprojected 3-D point, over used cameras."""
    errs = [float(np.linalg.norm(cam.project(X)[0] - np.asarray(pt)))
            for cam, pt, w in zip(cams, points_px, weights, strict=True) if w > 0]
    return float(np.mean(errs)) if errs else float("nan")


def detect_video(path: str | Path, *, max_frames: int | None = None, model: str = "full",
                 mode: str = "video") -> list:
    """Run the Kinetrace pose back end over a video; return the main person's PoseFrame (or None) per frame."""
    import cv2

    from kinetrace.vision.mediapipe_pose import MediaPipePose
    from kinetrace.vision.pose import main_person

    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = []
    with MediaPipePose(model=model, mode=mode, num_poses=1) as pose:  # type: ignore[arg-type]
        i = 0
        while max_frames is None or i < max_frames:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            frames.append(main_person(pose.estimate(rgb, time_s=i / fps, source=Path(path).name)))
            i += 1
    cap.release()
    return frames


def triangulate_robust(cams: Sequence[Camera], points_px: Sequence[tuple[float, float]], weights: Sequence[float],
                       *, max_error_px: float = 20.0) -> tuple[np.ndarray | None, float, int]:
    """Triangulate with the largest subset of cameras that agrees within `max_error_px` (mean reprojection).

    A camera that mislabels left and right, or misses the point, is left out. Returns the point, its mean
    reprojection error and how many cameras were used; (None, inf, 0) if no two cameras agree.
    """
    from itertools import combinations

    usable = [i for i, w in enumerate(weights) if w > 0]
    for k in range(len(usable), 1, -1):
        best: tuple[float, np.ndarray] | None = None
        for subset in combinations(usable, k):
            sub_cams = [cams[i] for i in subset]
            sub_pts = [points_px[i] for i in subset]
            sub_w = [weights[i] for i in subset]
            X = triangulate([c.P for c in sub_cams], sub_pts, sub_w)
            if X is None:
                continue
            err = reprojection_error_px(sub_cams, X, sub_pts, sub_w)
            if err <= max_error_px and (best is None or err < best[0]):
                best = (err, X)
        if best is not None:
            return best[1], best[0], k
    return None, float("inf"), 0


def triangulate_frame(cams: list, per_cam: dict[str, list], index: int) -> dict[str, np.ndarray]:
    """Triangulate every landmark seen (visibility ≥ 0.5) by at least two cameras in frame `index`."""
    from kinetrace.metrics.pose import LANDMARK_NAMES

    points: dict[str, np.ndarray] = {}
    for name in LANDMARK_NAMES:
        pts, ws = [], []
        for cam in cams:
            frame = per_cam[cam.name][index]
            lm = None if frame is None else frame.landmarks[name]
            ok = lm is not None and lm.visibility >= 0.5
            pts.append((lm.x_norm * frame.image_width_px, lm.y_norm * frame.image_height_px) if ok else (0.0, 0.0))
            ws.append(lm.visibility if ok else 0.0)
        X, _, _ = triangulate_robust(cams, pts, ws)
        if X is not None:
            points[name] = X
    return points
