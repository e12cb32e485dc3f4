"""Optional face blur for stored and annotated copies, with MediaPipe's bundled short-range face detector.

The detector finds faces up to about 2 m from the camera; posture photos are often taken further away, so
the head region given by the pose landmarks (nose, eyes, ears) is blurred as well. Both are unioned.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np

from kinetrace.metrics.pose import PoseFrame
from kinetrace.vision.native_log import quiet_native_log

__all__ = ["blur_faces", "face_boxes"]

_HEAD = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right")
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


def _detector() -> Any:
    from mediapipe.tasks.python import BaseOptions, vision

    path = str(resources.files("kinetrace.vision").joinpath("models", "face_detector_short_range.tflite"))
    options = vision.FaceDetectorOptions(base_options=BaseOptions(model_asset_path=path), min_detection_confidence=0.5)
    with quiet_native_log():
        return vision.FaceDetector.create_from_options(options)


def face_boxes(rgb: np.ndarray, frame: PoseFrame | None = None) -> list[Box]:
    """Return face boxes (pixels) from the face detector plus the pose head region, each with a margin."""
    import mediapipe as mp

    h, w = rgb.shape[:2]
    boxes: list[Box] = []
    detector = _detector()
    try:
        result = detector.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)))
    finally:
        detector.close()
    for det in result.detections:
        b = det.bounding_box
        boxes.append(_grow((b.origin_x, b.origin_y, b.origin_x + b.width, b.origin_y + b.height), w, h, 0.25))
    if frame is not None:
        pts = np.array([frame.point_px(n) for n in _HEAD if n in frame.landmarks])
        if len(pts):
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            size = max(x1 - x0, y1 - y0, 0.04 * h)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            boxes.append(
                _grow((int(cx - size / 2), int(cy - size / 2), int(cx + size / 2), int(cy + size / 2)), w, h, 0.6)
            )
    return boxes


def _grow(box: Box, w: int, h: int, margin: float) -> Box:
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (max(0, int(x0 - dx)), max(0, int(y0 - dy)), min(w, int(x1 + dx)), min(h, int(y1 + dy)))


def blur_faces(rgb: np.ndarray, frame: PoseFrame | None = None) -> tuple[np.ndarray, int]:
    """Return a copy with every face region strongly blurred, and how many regions were blurred."""
    import cv2

    out = rgb.copy()
    boxes = face_boxes(rgb, frame)
    for x0, y0, x1, y1 in boxes:
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        region = out[y0:y1, x0:x1]
        k = max(3, (max(x1 - x0, y1 - y0) // 3) | 1)
        small = cv2.resize(region, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_AREA)
        out[y0:y1, x0:x1] = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0)), (k, k), 0)
    return out, len(boxes)
