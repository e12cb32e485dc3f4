"""Geometry of the front and back body diagrams (pure presentation: where each region is drawn).

Coordinates are in a 200 × 440 SVG box. On the front view the patient's right is on the viewer's left; on the
back view the patient's left is on the viewer's left. Regions without a side are midline (`central`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kinetrace.values import SINGLE_SIDES, PainSide

__all__ = ["AREAS", "Area", "REGION_POINTS", "pain_side"]

View = Literal["front", "back"]
SideName = Literal["left", "right", "central"]


@dataclass(frozen=True)
class Area:
    """One clickable area: a region, a side, and an ellipse on one view."""

    region: str
    side: SideName
    view: View
    cx: float
    cy: float
    rx: float
    ry: float

    @property
    def key(self) -> str:
        """The form field that carries this area's tick."""
        return f"pain__{self.region}__{self.side}"


def _pair(region: str, view: View, *, dx: float, cy: float, rx: float, ry: float) -> list[Area]:
    # Front view: patient's right at x = 100 - dx. Back view: patient's left at x = 100 - dx.
    pair: tuple[SideName, SideName] = ("right", "left") if view == "front" else ("left", "right")
    near, far = pair
    return [Area(region, near, view, 100 - dx, cy, rx, ry), Area(region, far, view, 100 + dx, cy, rx, ry)]


AREAS: tuple[Area, ...] = (
    Area("head", "central", "front", 100, 32, 20, 24),
    Area("cervical_lower", "central", "front", 100, 66, 10, 8),
    *_pair("shoulder", "front", dx=40, cy=88, rx=13, ry=11),
    *_pair("hip", "front", dx=24, cy=218, rx=14, ry=12),
    *_pair("knee", "front", dx=22, cy=310, rx=12, ry=13),
    *_pair("ankle", "front", dx=20, cy=395, rx=9, ry=8),
    *_pair("foot", "front", dx=22, cy=420, rx=12, ry=8),
    Area("head", "central", "back", 100, 32, 20, 24),
    Area("cervical_upper", "central", "back", 100, 58, 10, 6),
    Area("cervical_lower", "central", "back", 100, 72, 10, 7),
    *_pair("shoulder", "back", dx=42, cy=90, rx=12, ry=11),
    *_pair("scapulothoracic", "back", dx=22, cy=112, rx=13, ry=18),
    Area("thoracic", "central", "back", 100, 125, 9, 40),
    Area("lumbar", "central", "back", 100, 188, 12, 22),
    *_pair("pelvis", "back", dx=14, cy=222, rx=11, ry=10),
    *_pair("hip", "back", dx=34, cy=228, rx=11, ry=13),
    *_pair("knee", "back", dx=22, cy=310, rx=12, ry=13),
    *_pair("ankle", "back", dx=20, cy=395, rx=9, ry=8),
    *_pair("foot", "back", dx=22, cy=422, rx=12, ry=7),
)

# Midline point of each region on the back view, used to draw chains from a remote region to the pain.
REGION_POINTS: dict[str, tuple[float, float]] = {
    "head": (100, 32),
    "cervical_upper": (100, 58),
    "cervical_lower": (100, 72),
    "shoulder": (142, 90),
    "scapulothoracic": (122, 112),
    "thoracic": (100, 125),
    "lumbar": (100, 188),
    "pelvis": (100, 222),
    "hip": (134, 228),
    "knee": (122, 310),
    "ankle": (120, 395),
    "foot": (122, 422),
}


def pain_side(sides: set[str]) -> str:
    """Return the pain-map side for the ticked areas of one region: left, right, bilateral or central."""
    if PainSide.CENTRAL in sides or not sides:
        return PainSide.CENTRAL.value  # plain strings: the answer goes into the case file (YAML)
    if sides == SINGLE_SIDES:
        return PainSide.BILATERAL.value
    return next(iter(sides))
