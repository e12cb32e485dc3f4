"""Photo views (front, back, left, right): detection from landmarks and left/right label consistency.

A **left** view shows the person's left side to the camera, so they face the image's left; a **right** view
faces the image's right. In a **front** view the person's left side appears on the image's right; in a
**back** view on the image's left. Thresholds come from the catalogue's `view_detection` block.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from kinetrace.metrics.catalogue import Catalogue, View
from kinetrace.metrics.pose import Landmark, PoseFrame

__all__ = ["ViewGuess", "detect_view", "facing_sign", "match_labels_to_view", "mirror_labels"]

_ORDER_STEMS = ("shoulder", "hip")


@dataclass(frozen=True, slots=True)
class ViewGuess:
    """A detected view (None when ambiguous), the width ratio it rests on, and a sentence saying why."""

    view: View | None
    width_ratio: float | None
    reason: str


def _xy(frame: PoseFrame, name: str) -> np.ndarray:
    lm = frame.landmarks[name]
    return np.array([lm.x_norm * frame.image_width_px, lm.y_norm * frame.image_height_px])


def _seen(frame: PoseFrame, name: str, min_visibility: float) -> bool:
    lm = frame.landmarks.get(name)
    return lm is not None and lm.visibility >= min_visibility


def facing_sign(frame: PoseFrame, *, min_visibility: float = 0.5) -> float:
    """Return +1 if the person faces the image's right (+x), -1 if the left, 0 if it cannot be told.

    Votes: nose ahead of the ear midpoint, and each visible foot's toes ahead of its heel.
    """
    votes: list[float] = []
    ears = [f"{s}_ear" for s in ("left", "right") if _seen(frame, f"{s}_ear", min_visibility)]
    if _seen(frame, "nose", min_visibility) and ears:
        ear_x = float(np.mean([_xy(frame, e)[0] for e in ears]))
        votes.append(float(np.sign(_xy(frame, "nose")[0] - ear_x)))
    for s in ("left", "right"):
        toe, heel = f"{s}_foot_index", f"{s}_heel"
        if _seen(frame, toe, min_visibility) and _seen(frame, heel, min_visibility):
            votes.append(float(np.sign(_xy(frame, toe)[0] - _xy(frame, heel)[0])))
    total = sum(votes)
    return float(np.sign(total)) if total else 0.0


def detect_view(frame: PoseFrame, catalogue: Catalogue) -> ViewGuess:
    """Guess the view from shoulder width relative to torso length, facing direction and face visibility."""
    cfg = catalogue.view_detection
    ls, rs, lh, rh = (_xy(frame, n) for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    torso = float(np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2))
    if torso <= 1e-6:
        return ViewGuess(None, None, "torso length is zero; view cannot be told")
    ratio = abs(float(ls[0] - rs[0])) / torso
    if ratio <= cfg.side_max_ratio:
        facing = facing_sign(frame, min_visibility=catalogue.quality.min_visibility)
        if facing == 0:
            return ViewGuess(
                None, ratio, "side view, but the facing direction cannot be told (nose, feet hidden)"
            )
        view: View = "right" if facing > 0 else "left"
        return ViewGuess(
            view,
            ratio,
            f"side view (shoulder width {ratio:.2f} of torso length), facing image "
            f"{'right' if facing > 0 else 'left'}",
        )
    if ratio >= cfg.frontal_min_ratio:
        return _front_or_back(frame, catalogue, ratio)
    return ViewGuess(None, ratio, f"oblique view (shoulder width {ratio:.2f} of torso length); give the view")


def _front_or_back(frame: PoseFrame, catalogue: Catalogue, ratio: float) -> ViewGuess:
    """Front or back from cues that must all agree: left/right order across the image, nose depth against the
    shoulders (image landmarks), and nose depth against the ears (3-D world landmarks, when given and clear)."""
    votes = {"left/right order": _order_vote(frame), "nose depth": _image_depth_vote(frame, catalogue),
             "nose ahead of the ears (3-D)": _world_depth_vote(frame, catalogue)}
    cast = {cue: v for cue, v in votes.items() if v is not None}
    what = f"frontal view (shoulder width {ratio:.2f} of torso length)"
    if votes["left/right order"] is None or len(set(cast.values())) != 1:  # shoulders and hips crossed, or cues differ
        said = ", ".join(f"{cue} says {v or 'neither'}" for cue, v in votes.items())
        return ViewGuess(None, ratio, f"{what}, but front and back cannot be told apart ({said}); give the view")
    view = next(iter(cast.values()))
    face = "towards" if view == "front" else "away from"
    return ViewGuess(view, ratio, f"{what}, face {face} the camera")


def _order_vote(frame: PoseFrame) -> View | None:
    lms = frame.landmarks
    order = sum(float(np.sign(lms[f"left_{s}"].x_norm - lms[f"right_{s}"].x_norm)) for s in _ORDER_STEMS)
    return "front" if order > 0 else "back" if order < 0 else None


def _image_depth_vote(frame: PoseFrame, catalogue: Catalogue) -> View:
    lms = frame.landmarks
    shoulder_z = (lms["left_shoulder"].z_norm + lms["right_shoulder"].z_norm) / 2.0
    depth = lms["nose"].z_norm - shoulder_z
    return "front" if depth < catalogue.view_detection.nose_depth_front_max else "back"


def _world_depth_vote(frame: PoseFrame, catalogue: Catalogue) -> View | None:
    """The nose ahead of (front) or behind (back) the ear midpoint in the model's 3-D landmarks; None when the
    frame has no 3-D landmarks or the head is seen side-on (within the catalogue's margin)."""
    world = [frame.landmarks[n].world_m for n in ("nose", "left_ear", "right_ear")]
    if any(w is None for w in world):
        return None
    nose, left, right = (w[2] for w in world if w is not None)
    ahead = nose - (left + right) / 2.0  # world z grows away from the camera: negative = nose nearer
    margin = catalogue.view_detection.world_nose_ahead_min_m
    return "front" if ahead <= -margin else "back" if ahead >= margin else None


def mirror_labels(frame: PoseFrame) -> PoseFrame:
    """Return the frame with every left_/right_ landmark label exchanged (positions unchanged)."""
    swapped: dict[str, Landmark] = {}
    for name, lm in frame.landmarks.items():
        if name.startswith("left_"):
            swapped["right_" + name[5:]] = lm
        elif name.startswith("right_"):
            swapped["left_" + name[6:]] = lm
        else:
            swapped[name] = lm
    return dataclasses.replace(frame, landmarks=swapped)


def match_labels_to_view(frame: PoseFrame, view: View) -> tuple[PoseFrame, bool]:
    """Return the frame with left/right labels agreeing with a front/back view, and whether they were swapped.

    Pose models trained mostly on people facing the camera may label a back view as if it were a front view.
    Side views are returned unchanged.
    """
    if view not in ("front", "back"):
        return frame, False
    expected = 1.0 if view == "front" else -1.0  # sign of x_left - x_right
    votes = 0.0
    for stem in ("shoulder", "hip", "knee", "ankle"):
        votes += float(np.sign(_xy(frame, f"left_{stem}")[0] - _xy(frame, f"right_{stem}")[0]))
    if votes * expected < 0:
        return mirror_labels(frame), True
    return frame, False
