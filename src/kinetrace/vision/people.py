"""Find every person in a photo: the pose model on the whole image, then on overlapping crops when it found
nobody or only small people (a wide frame where each person covers few of the model's input pixels).

The detector looks at the whole image scaled down to its 224-pixel input, so people who fill only a small part
of a wide frame are missed. `find_people` runs it again on a grid of overlapping crops, maps every crop's
landmarks back to the whole image and merges people found twice (overlapping boxes). A person cut by a crop's
edge is kept only from a crop that holds them whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from kinetrace.metrics.pose import PoseFrame
from kinetrace.vision.pose import PoseEstimator

__all__ = ["find_people"]

# Crop pass when nobody was found, or when every person found is shorter than this fraction of the image's long
# side (the detector sees the whole image scaled to 224 pixels, so such a person is under ~70 of them).
SMALL_PERSON_FRACTION = 0.3
_GRID = (3, 2)            # columns, rows
_TILE = (0.45, 0.7)       # crop width, height as fractions of the image
_SAME_PERSON_IOU = 0.3
_EDGE = 0.01              # a person's box this close to a crop edge (not an image edge) is cut by the crop
_BOX_VISIBILITY = 0.3


def _box(frame: PoseFrame) -> tuple[float, float, float, float] | None:
    pts = [(lm.x_norm, lm.y_norm) for lm in frame.landmarks.values() if lm.visibility >= _BOX_VISIBILITY]
    if len(pts) < 4:
        return None
    arr = np.asarray(pts)
    return float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 0].max()), float(arr[:, 1].max())


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _to_image(frame: PoseFrame, x0: int, y0: int, width: int, height: int) -> PoseFrame:
    """Map a crop's landmarks (normalised to the crop) back to the whole image."""
    tw, th = frame.image_width_px, frame.image_height_px
    lms = {name: dataclasses.replace(lm, x_norm=(x0 + lm.x_norm * tw) / width,
                                     y_norm=(y0 + lm.y_norm * th) / height, z_norm=lm.z_norm * tw / width)
           for name, lm in frame.landmarks.items()}
    return dataclasses.replace(frame, landmarks=lms, image_width_px=width, image_height_px=height)


def _cut_by_crop(box: tuple[float, float, float, float], crop: tuple[int, int, int, int], width: int,
                 height: int) -> bool:
    """True when the person's box (crop-normalised) touches a crop edge that is not an image edge."""
    x0, y0, x1, y1 = crop
    return ((box[0] <= _EDGE and x0 > 0) or (box[2] >= 1 - _EDGE and x1 < width)
            or (box[1] <= _EDGE and y0 > 0) or (box[3] >= 1 - _EDGE and y1 < height))


def _needs_crops(people: Sequence[PoseFrame], width: int, height: int) -> bool:
    boxes = [b for b in (_box(p) for p in people) if b is not None]
    long_side = max(width, height)
    return not boxes or all((b[3] - b[1]) * height / long_side < SMALL_PERSON_FRACTION for b in boxes)


def find_people(estimator: PoseEstimator, rgb: np.ndarray, *, source: str = "") -> tuple[list[PoseFrame], bool]:
    """Every person in the image (whole-image pass, plus crops when needed) and whether crops were searched."""
    people = estimator.estimate(rgb, source=source)
    height, width = rgb.shape[:2]
    if not _needs_crops(people, width, height):
        return people, False
    cols, rows = _GRID
    tw, th = int(width * _TILE[0]), int(height * _TILE[1])
    found: list[tuple[PoseFrame, tuple[float, float, float, float]]] = []
    for p in people:
        box = _box(p)
        if box is not None:
            found.append((p, box))
    for r in range(rows):
        for c in range(cols):
            x0 = round(c * (width - tw) / max(1, cols - 1))
            y0 = round(r * (height - th) / max(1, rows - 1))
            crop = (x0, y0, x0 + tw, y0 + th)
            for p in estimator.estimate(np.ascontiguousarray(rgb[y0:y0 + th, x0:x0 + tw]), source=source):
                box = _box(p)
                if box is None or _cut_by_crop(box, crop, width, height):
                    continue
                whole = _to_image(p, x0, y0, width, height)
                wbox = _box(whole)
                if wbox is None:
                    continue
                same = [i for i, (_, b) in enumerate(found) if _iou(b, wbox) >= _SAME_PERSON_IOU]
                if not same:
                    found.append((whole, wbox))
                elif whole.detection_confidence > found[same[0]][0].detection_confidence:
                    found[same[0]] = (whole, wbox)
    return [p for p, _ in found], True


