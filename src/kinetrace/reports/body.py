"""Front and back body outlines as inline SVG: painful regions marked on their side, the chain drawn as arrows.

Drawing coordinates only; nothing clinical is decided here. The front view shows the person's right on the
viewer's left, the back view on the viewer's right; both carry R and L labels. Spinal regions are drawn on the
back view, limbs and head on the front. Arrows carry a small number (explained beside the drawing, so labels never
overlap); colour and dash follow the link's evidence grade, so a weak link looks weak on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from kinetrace.values import SINGLE_SIDES, Grade, GradeLevel, Side

__all__ = ["REGION_ANCHORS", "ChainArrow", "PainMark", "body_svg"]

# Centre of each region for a figure 200 wide, 440 high; x is the midline offset towards the person's right
# (positive) — 0 for midline structures. (dx_right, y)
REGION_ANCHORS: dict[str, tuple[float, float]] = {
    "head": (0, 34),
    "cervical_upper": (0, 62),
    "cervical_lower": (0, 78),
    "shoulder": (42, 100),
    "scapulothoracic": (24, 118),
    "thoracic": (0, 132),
    "lumbar": (0, 184),
    "pelvis": (12, 212),
    "hip": (22, 226),
    "knee": (19, 318),
    "ankle": (16, 396),
    "foot": (16, 424),
}
_LIMBS = {"shoulder", "hip", "knee", "ankle", "foot", "scapulothoracic", "pelvis"}
_BACK_VIEW = {"cervical_upper", "cervical_lower", "thoracic", "lumbar", "pelvis", "scapulothoracic"}
_SPINE_SIDE_DX = 14  # one-sided spinal pain is drawn this far beside the midline
_FRONT_X, _BACK_X = 100.0, 330.0  # midlines of the two views
_GRADE_STYLE = {  # (stroke colour, dash pattern)
    GradeLevel.A: ("#1b5e8a", ""),
    GradeLevel.B: ("#2f7fb5", ""),
    GradeLevel.C: ("#d08a1f", "5 3"),
    GradeLevel.EO: ("#8a8f98", "2 3"),
}

_ARM = "M56 92 Q46 94 44 108 L36 178 L30 226 Q29 238 36 238 Q42 238 43 228 L50 180 L60 128 Z"
_LEG = "M68 228 L99 230 L98 300 L94 392 L96 420 Q97 430 88 430 L74 430 Q66 429 72 421 L80 394 L75 302 Z"
_TRUNK = ("M90 68 Q100 73 110 68 L132 76 Q145 80 146 96 L141 150 Q136 180 138 204 L134 232 L66 232 L62 204 "
          "Q64 180 59 150 L54 96 Q55 80 68 76 Z")


def _outline(shift: float, *, back: bool) -> str:
    spine = '<path d="M100 70 L100 214" stroke-dasharray="3 3"/>' if back else '<path d="M100 84 L100 226"/>'
    return f"""
<g transform="translate({shift:g} 0)">
<g fill="#eef1f5" stroke="#9aa5b4" stroke-width="1.5" stroke-linejoin="round">
  <ellipse cx="100" cy="33" rx="19" ry="23"/>
  <path d="M92 52 L108 52 L110 70 L90 70 Z"/>
  <path d="{_ARM}"/>
  <path d="{_ARM}" transform="translate(200 0) scale(-1 1)"/>
  <path d="{_LEG}"/>
  <path d="{_LEG}" transform="translate(200 0) scale(-1 1)"/>
  <path d="{_TRUNK}"/>
</g>
<g stroke="#c6ced9" stroke-width="1" fill="none">{spine}<path d="M74 214 Q100 222 126 214"/></g>
</g>"""


@dataclass(frozen=True)
class PainMark:
    """A painful region with its side: left, right, bilateral, central or none."""

    region: str
    side: str = "central"


@dataclass(frozen=True)
class ChainArrow:
    """One link drawn on the body: from a region (on a side) to the painful region, styled by its grade."""

    source: str
    target: str
    grade: str
    label: str = ""
    source_side: str = "both"
    target_side: str = "central"


def _view_x(region: str) -> float:
    return _BACK_X if region in _BACK_VIEW else _FRONT_X


def _points(region: str, side: str) -> list[tuple[float, float]]:
    """Canvas points for a region on a side; the person's right is the viewer's left on the front view only."""
    dx_right, y = REGION_ANCHORS[region]
    mid = _view_x(region)
    right_sign = 1.0 if mid == _BACK_X else -1.0  # back view: the person's right is on the viewer's right
    dx = dx_right if region in _LIMBS else (_SPINE_SIDE_DX if side in SINGLE_SIDES else 0.0)
    if dx == 0:
        return [(mid, y)]
    right, left = (mid + right_sign * dx, y), (mid - right_sign * dx, y)
    if side == Side.RIGHT:
        return [right]
    if side == Side.LEFT:
        return [left]
    return [right, left]


def _pain_marks(marks: Sequence[PainMark]) -> str:
    out: list[str] = []
    for mark in dict.fromkeys(marks):
        if mark.region not in REGION_ANCHORS:
            continue
        out.extend(
            f'<circle cx="{cx:g}" cy="{cy:g}" r="12" fill="#d64545" fill-opacity="0.30" stroke="#d64545" '
            f'stroke-width="1.5"><title>{escape(mark.region)} {escape(mark.side)}</title></circle>'
            for cx, cy in _points(mark.region, mark.side)
        )
    return "\n".join(out)


def _style(grade: str) -> tuple[str, str]:
    parsed = Grade(grade) if grade else None
    if parsed is None or parsed.is_contradicted or parsed.weakest is None:
        return _GRADE_STYLE[GradeLevel.EO]
    return _GRADE_STYLE[parsed.weakest]


def _arrow(arrow: ChainArrow, number: int) -> str:
    colour, dash = _style(arrow.grade)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    # Both ends drawn on the target's view, so the arrow never crosses from one figure to the other.
    mid = _view_x(arrow.target)
    target = _points(arrow.target, arrow.target_side)[0]
    sources = _points_on(arrow.source, arrow.source_side, mid)
    parts = []
    for x1, y1 in sources:
        x2, y2 = target
        bend = 52 if x1 >= mid else -52
        cx, cy = max(x1, x2) + bend if bend > 0 else min(x1, x2) + bend, (y1 + y2) / 2
        lx, ly = (x1 + 2 * cx + x2) / 4 + (10 if bend > 0 else -10), cy
        parts.append(
            f'<path d="M{x1:g} {y1:g} Q{cx:g} {cy:g} {x2:g} {y2 + (10 if y1 > y2 else -10):g}" fill="none" '
            f'stroke="{colour}" stroke-width="3"{dash_attr} marker-end="url(#kt-arrow-{colour.lstrip("#")})"/>'
            f'<circle cx="{x1:g}" cy="{y1:g}" r="4.5" fill="{colour}"/>'
            f'<circle cx="{lx:g}" cy="{ly:g}" r="8" fill="#fff" stroke="{colour}"/>'
            f'<text x="{lx:g}" y="{ly + 3.5:g}" font-size="10" text-anchor="middle" '
            f'fill="{colour}" font-family="DejaVu Sans" font-weight="bold">{number}</text>'
        )
    return "".join(parts)


def _points_on(region: str, side: str, mid: float) -> list[tuple[float, float]]:
    """A region's points moved onto the view whose midline is `mid` (mirroring sides for the other view)."""
    pts = _points(region, side)
    own = _view_x(region)
    if own == mid:
        return pts
    return [(mid - (x - own), y) for x, y in pts]  # the other view shows the person mirrored


def _markers() -> str:
    colours = sorted({c for c, _ in _GRADE_STYLE.values()})
    return "".join(
        f'<marker id="kt-arrow-{c.lstrip("#")}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" '
        f'markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 Z" fill="{c}"/></marker>'
        for c in colours
    )


def _labels() -> str:
    style = 'font-family="DejaVu Sans" font-size="13" font-weight="bold" fill="#5b6675" text-anchor="middle"'
    small = 'font-family="DejaVu Sans" font-size="11" fill="#5b6675" text-anchor="middle"'
    return (
        f'<text x="{_FRONT_X - 80:g}" y="20" {style}>R</text><text x="{_FRONT_X + 80:g}" y="20" {style}>L</text>'
        f'<text x="{_BACK_X - 80:g}" y="20" {style}>L</text><text x="{_BACK_X + 80:g}" y="20" {style}>R</text>'
        f'<text x="{_FRONT_X:g}" y="452" {small}>Front</text><text x="{_BACK_X:g}" y="452" {small}>Back</text>'
    )


def body_svg(*, pain: Sequence[PainMark], chains: Sequence[ChainArrow], width_mm: float = 72) -> str:
    """Return the front and back outlines: red discs on painful regions (on their side), numbered chain arrows."""
    drawn = [c for c in chains if c.source in REGION_ANCHORS and c.target in REGION_ANCHORS]
    arrows = "\n".join(_arrow(c, i) for i, c in enumerate(drawn, 1))
    height_mm = width_mm * 460 / 430
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 430 460" width="{width_mm:g}mm" '
        f'height="{height_mm:.1f}mm" role="img" aria-label="Body outline, front and back, with pain and chain">'
        f"<defs>{_markers()}</defs>{_outline(0, back=False)}{_outline(_BACK_X - _FRONT_X, back=True)}"
        f"{_labels()}\n{_pain_marks(pain)}\n{arrows}</svg>"
    )
