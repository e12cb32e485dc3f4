"""A front-view body outline as inline SVG, with painful regions marked and the chain drawn as arrows.

Drawing coordinates only; nothing clinical is decided here. Arrow colour and dash follow the evidence grade of
the link, so a weak link looks weak on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from kinetrace.values import Grade, GradeLevel

__all__ = ["REGION_ANCHORS", "ChainArrow", "body_svg"]

# Centre of each region on a 200 × 440 canvas (front view, the person's right on the viewer's left).
REGION_ANCHORS: dict[str, tuple[float, float]] = {
    "head": (100, 34),
    "cervical_upper": (100, 64),
    "cervical_lower": (100, 80),
    "shoulder": (58, 100),
    "scapulothoracic": (126, 118),
    "thoracic": (100, 132),
    "lumbar": (100, 184),
    "pelvis": (100, 212),
    "hip": (78, 226),
    "knee": (81, 318),
    "ankle": (84, 396),
    "foot": (84, 424),
}
_MIRRORED = {"shoulder", "hip", "knee", "ankle", "foot"}
_GRADE_STYLE = {  # (stroke colour, dash pattern)
    GradeLevel.A: ("#1b5e8a", ""),
    GradeLevel.B: ("#2f7fb5", ""),
    GradeLevel.C: ("#d08a1f", "5 3"),
    GradeLevel.EO: ("#8a8f98", "2 3"),
}

_ARM = "M56 92 Q46 94 44 108 L36 178 L30 226 Q29 238 36 238 Q42 238 43 228 L50 180 L60 128 Z"
_LEG = "M68 228 L99 230 L98 300 L94 392 L96 420 Q97 430 88 430 L74 430 Q66 429 72 421 L80 394 L75 302 Z"
_OUTLINE = f"""
<g fill="#eef1f5" stroke="#9aa5b4" stroke-width="1.5" stroke-linejoin="round">
  <ellipse cx="100" cy="33" rx="19" ry="23"/>
  <path d="M92 52 L108 52 L110 70 L90 70 Z"/>
  <path d="{_ARM}"/>
  <path d="{_ARM}" transform="translate(200 0) scale(-1 1)"/>
  <path d="{_LEG}"/>
  <path d="{_LEG}" transform="translate(200 0) scale(-1 1)"/>
  <path d="M90 68 Q100 73 110 68 L132 76 Q145 80 146 96 L141 150 Q136 180 138 204 L134 232 L66 232 L62 204
           Q64 180 59 150 L54 96 Q55 80 68 76 Z"/>
</g>
<g stroke="#c6ced9" stroke-width="1" fill="none">
  <path d="M100 84 L100 226"/>
  <path d="M74 214 Q100 222 126 214"/>
</g>"""


def _mirror(x: float) -> float:
    return 200 - x


def _pain_marks(regions: Sequence[str]) -> str:
    marks: list[str] = []
    for region in dict.fromkeys(regions):
        if region not in REGION_ANCHORS:
            continue
        x, y = REGION_ANCHORS[region]
        xs = [x, _mirror(x)] if region in _MIRRORED else [x]
        marks.extend(
            f'<circle cx="{cx:g}" cy="{y:g}" r="13" fill="#d64545" fill-opacity="0.28" stroke="#d64545" '
            f'stroke-width="1.5"><title>{escape(region)}</title></circle>'
            for cx in xs
        )
    return "\n".join(marks)


def _style(grade: str) -> tuple[str, str]:
    parsed = Grade(grade) if grade else None
    if parsed is None or parsed.is_contradicted or parsed.weakest is None:
        return _GRADE_STYLE[GradeLevel.EO]
    return _GRADE_STYLE[parsed.weakest]


@dataclass(frozen=True)
class ChainArrow:
    """One link drawn on the body: from one region to another, styled by its evidence grade."""

    source: str
    target: str
    grade: str
    label: str = ""


def _arrow(arrow: ChainArrow, index: int) -> str:
    x1, y1 = REGION_ANCHORS[arrow.source]
    x2, y2 = REGION_ANCHORS[arrow.target]
    grade = arrow.grade
    # Bow each arrow out to the right of the figure so several chains stay readable.
    bow = 46 + 14 * index
    cx = max(x1, x2) + bow
    cy = (y1 + y2) / 2
    colour, dash = _style(grade)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    label_x = (x1 + 2 * cx + x2) / 4 + 4
    return (
        f'<path d="M{x1:g} {y1:g} Q{cx:g} {cy:g} {x2:g} {y2:g}" fill="none" stroke="{colour}"'
        f' stroke-width="2.4"'
        f'{dash_attr} marker-end="url(#kt-arrow-{_marker_id(colour)})"/>'
        f'<circle cx="{x1:g}" cy="{y1:g}" r="4.5" fill="{colour}"/>'
        f'<text x="{label_x:g}" y="{cy:g}" font-size="9" fill="{colour}" font-family="DejaVu Sans">'
        f"{escape(' · '.join(x for x in (arrow.label, grade) if x))}</text>"
    )


def _marker_id(colour: str) -> str:
    return colour.lstrip("#")


def _markers() -> str:
    colours = sorted({c for c, _ in _GRADE_STYLE.values()})
    return "".join(
        f'<marker id="kt-arrow-{_marker_id(c)}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" '
        f'markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 Z" fill="{c}"/></marker>'
        for c in colours
    )


def body_svg(*, pain: Sequence[str], chains: Sequence[ChainArrow], width_mm: float = 58) -> str:
    """Return an SVG body outline: red discs on painful regions, one arrow per link between known regions."""
    drawn = [c for c in chains if c.source in REGION_ANCHORS and c.target in REGION_ANCHORS]
    arrows = "\n".join(_arrow(c, i) for i, c in enumerate(drawn))
    height_mm = width_mm * 440 / 230
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 230 440" width="{width_mm:g}mm" '
        f'height="{height_mm:.1f}mm" role="img" aria-label="Body outline with pain regions and chain">'
        f"<defs>{_markers()}</defs>{_OUTLINE}\n{_pain_marks(pain)}\n{arrows}</svg>"
    )
