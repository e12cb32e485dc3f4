"""2-D pose per camera with the project's own pose back end (`kinetrace.vision`).

Each camera's clip is decoded once and its main person's 33 landmarks are kept as pixel coordinates and
visibilities, on the frames chosen by the synchronisation (`frame_indices`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kinetrace.metrics.pose import LANDMARK_NAMES

__all__ = ["CameraPose", "detect_camera"]


@dataclass(frozen=True)
class CameraPose:
    """2-D landmarks of one camera: `xy` frames×33×2 pixels (NaN when absent), `vis` frames×33 in [0, 1]."""

    name: str
    xy: np.ndarray
    vis: np.ndarray
    width_px: int
    height_px: int

    @property
    def person_fraction(self) -> float:
        """Share of frames in which the person was found."""
        return float(np.mean(np.any(self.vis > 0, axis=1))) if len(self.vis) else 0.0


def detect_camera(path: str | Path, frame_indices: Sequence[int], fps: float, *, model: str = "full",
                  name: str = "") -> CameraPose:
    """Run MediaPipe (video mode) over the wanted frames of one clip; return pixels and visibilities."""
    import os

    import cv2

    os.environ.setdefault("GLOG_minloglevel", "2")  # keep MediaPipe's C++ log lines off the user's terminal
    from kinetrace.vision.mediapipe_pose import MediaPipePose
    from kinetrace.vision.pose import main_person

    wanted = {int(i): k for k, i in enumerate(frame_indices)}
    last = max(wanted) if wanted else -1
    n = len(frame_indices)
    xy = np.full((n, len(LANDMARK_NAMES), 2), np.nan)
    vis = np.zeros((n, len(LANDMARK_NAMES)))
    cap = cv2.VideoCapture(str(path))
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    try:
        with MediaPipePose(model=model, mode="video", num_poses=1) as pose:
            i = 0
            while i <= last:
                ok = cap.grab()
                if not ok:
                    break
                if i in wanted:
                    ok, bgr = cap.retrieve()
                    if ok:
                        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                        frame = main_person(pose.estimate(rgb, time_s=i / fps, source=Path(path).name))
                        if frame is not None:
                            k = wanted[i]
                            for j, lm_name in enumerate(LANDMARK_NAMES):
                                lm = frame.landmarks[lm_name]
                                xy[k, j] = (lm.x_norm * frame.image_width_px, lm.y_norm * frame.image_height_px)
                                vis[k, j] = lm.visibility
                i += 1
    finally:
        cap.release()
    return CameraPose(name or Path(path).stem, xy, vis, width, height)
