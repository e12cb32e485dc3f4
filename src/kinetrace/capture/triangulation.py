"""Triangulation of 2-D landmarks from several calibrated cameras.

Per landmark and frame: views whose visibility is below `min_visibility` are dropped, the remaining ones are
combined by a visibility-weighted direct linear transform (DLT), and when the reprojection error is too large
the camera that disagrees most is left out and the point is solved again (while at least two remain). The
result carries the per-frame reprojection error and how many views were used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kinetrace.capture.cameras import Camera
from kinetrace.capture.detect import CameraPose

__all__ = ["Triangulated", "triangulate_point", "triangulate_sequence"]


@dataclass(frozen=True)
class Triangulated:
    """3-D landmarks `points` frames×33×3 (m, NaN when unsolved), mean reprojection error frames×33 (px),
    views used frames×33."""

    points: np.ndarray
    error_px: np.ndarray
    views: np.ndarray

    @property
    def frame_error_px(self) -> np.ndarray:
        """Per-frame median reprojection error over the solved landmarks (NaN when none)."""
        out = np.full(len(self.error_px), np.nan)
        for i, row in enumerate(self.error_px):
            ok = np.isfinite(row)
            if ok.any():
                out[i] = float(np.median(row[ok]))
        return out


def triangulate_point(P: np.ndarray, uv: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted DLT of one point: `P` k×3×4, `uv` k×2 undistorted pixels, `w` k weights → 3-vector."""
    A = np.concatenate([w[:, None] * (uv[:, 0:1] * P[:, 2] - P[:, 0]),
                        w[:, None] * (uv[:, 1:2] * P[:, 2] - P[:, 1])])
    _, _, vt = np.linalg.svd(A)
    X = vt[-1]
    return np.asarray(X[:3] / X[3])


def _errors(P: np.ndarray, uv: np.ndarray, X: np.ndarray) -> np.ndarray:
    proj = P @ np.append(X, 1.0)
    return np.asarray(np.linalg.norm(proj[:, :2] / proj[:, 2:3] - uv, axis=1))


def triangulate_sequence(cameras: Sequence[Camera], poses: Sequence[CameraPose], *, min_visibility: float = 0.5,
                         max_error_px: float = 15.0) -> Triangulated:
    """Triangulate every landmark of every frame seen by at least two confident views."""
    P_all = np.stack([c.P for c in cameras])
    n_frames, n_lm = poses[0].vis.shape
    uv_all = np.stack([cam.undistort(p.xy.reshape(-1, 2)).reshape(p.xy.shape) for cam, p in
                       zip(cameras, poses, strict=True)])  # cams×frames×33×2
    vis_all = np.stack([p.vis for p in poses])  # cams×frames×33
    points = np.full((n_frames, n_lm, 3), np.nan)
    error = np.full((n_frames, n_lm), np.nan)
    views = np.zeros((n_frames, n_lm), dtype=int)
    for f in range(n_frames):
        for j in range(n_lm):
            use = np.flatnonzero(vis_all[:, f, j] >= min_visibility)
            while len(use) >= 2:  # noqa: PLR2004 - two views make a point
                X = triangulate_point(P_all[use], uv_all[use, f, j], vis_all[use, f, j])
                errs = _errors(P_all[use], uv_all[use, f, j], X)
                if errs.mean() <= max_error_px or len(use) == 2:  # noqa: PLR2004
                    if errs.mean() <= max_error_px:
                        points[f, j], error[f, j], views[f, j] = X, errs.mean(), len(use)
                    break
                use = np.delete(use, int(np.argmax(errs)))
    return Triangulated(points, error, views)
