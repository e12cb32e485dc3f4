"""Following every person through a clip and naming the main one (the person the clip is about)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from kinetrace.metrics.pose import PoseFrame

__all__ = ["PeopleTracker"]

_REACQUIRE_S = 1.0  # a track unseen for longer than this is closed; a person reappearing starts a new track


@dataclass
class _Track:
    """One person followed through the clip: where they were last seen and their frames."""

    centre: np.ndarray
    height: float
    last_index: int
    frames: list[PoseFrame] = field(default_factory=list)
    score: float = 0.0


def _box(frame: PoseFrame) -> tuple[np.ndarray, float, float]:
    """Centre (normalised), height (normalised) and visibility-weighted area of a person's landmarks."""
    pts = np.array([(lm.x_norm, lm.y_norm) for lm in frame.landmarks.values() if lm.visibility >= 0.5])
    if len(pts) < 2:
        pts = np.array([(lm.x_norm, lm.y_norm) for lm in frame.landmarks.values()])
    vis = float(np.mean([lm.visibility for lm in frame.landmarks.values()]))
    area = float(np.ptp(pts[:, 0]) * np.ptp(pts[:, 1])) * frame.image_width_px * frame.image_height_px
    return pts.mean(axis=0), float(np.ptp(pts[:, 1])), area * vis


class PeopleTracker:
    """Follows every person through the clip by nearest position, then names the main one.

    The main person is the track with the largest summed body size over the clip: the one the clip is about is
    usually in view longest and nearest the camera, so a passer-by (briefly in view) or a distant person is not
    chosen even when they are the larger one in a few frames.
    """

    def __init__(self, fps: float) -> None:
        self.tracks: list[_Track] = []
        self._expire = max(1, round(_REACQUIRE_S * fps))
        self.max_people = 0
        self.frames_with_others = 0

    def add(self, index: int, people: list[PoseFrame]) -> None:
        """Assign this frame's people to tracks (greedy, nearest first), opening new tracks as needed."""
        self.max_people = max(self.max_people, len(people))
        self.frames_with_others += len(people) > 1
        live = [t for t in self.tracks if index - t.last_index <= self._expire]
        boxes = [_box(p) for p in people]
        pairs = sorted(((float(np.linalg.norm(c - t.centre)), i, k) for i, (c, _, _) in enumerate(boxes)
                        for k, t in enumerate(live)), key=lambda x: x[0])
        used_p: set[int] = set()
        used_t: set[int] = set()
        for dist, i, k in pairs:
            if i in used_p or k in used_t or dist > max(0.5 * live[k].height, 0.05):
                continue
            used_p.add(i)
            used_t.add(k)
            self._extend(live[k], index, dataclasses.replace(people[i], person_index=i), boxes[i], len(people))
        for i, person in enumerate(people):
            if i not in used_p:
                track = _Track(boxes[i][0], boxes[i][1], index)
                self.tracks.append(track)
                self._extend(track, index, dataclasses.replace(person, person_index=i), boxes[i], len(people))

    @staticmethod
    def _extend(track: _Track, index: int, person: PoseFrame, box: tuple[np.ndarray, float, float],
                count: int) -> None:
        track.centre, track.height, track.last_index = box[0], box[1], index
        track.score += box[2]
        track.frames.append(dataclasses.replace(person, people_detected=count))

    def main(self) -> list[PoseFrame]:
        """Frames of the main person (empty when nobody was seen)."""
        if not self.tracks:
            return []
        return max(self.tracks, key=lambda t: t.score).frames
