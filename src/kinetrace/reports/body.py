"""A front-view body outline as inline SVG, with painful regions marked and the chain drawn as arrows.

Drawing coordinates only; nothing clinical is decided here. Arrow colour and dash follow the evidence grade of
the link, so a weak link looks weak on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kinetrace.knowledge.schema import grade_parts

__all__ = ["REGION_ANCHORS", "body_svg"]

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
    "A": ("#1b5e8a", ""),
    "B": ("#2f7fb5", ""),
    "C": ("#d08a1f", "5 3"),
    "EO": ("#8a8f98", "2 3"),
}

_OUTLINE = """
<g fill="#eef1f5" stroke="#9aa5b4" stroke-width="1.6" stroke-linejoin="round">
  <ellipse cx="100" cy="34" rx="21" ry="25"/>
  <path d="M90 56 L110 56 L112 76 L88 76 Z"/>
  <path d="M62 84 Q100 74 138 84 Q150 88 152 102 L156 190 Q157 205 150 206 L146 206 L140 120
           L136 200 Q138 214 132 230 L68 230 Q62 214 64 200 L60 120 L54 206 L50 206 Q43 205 44 190
           L48 102 Q50 88 62 84 Z"/>
  <path d="M68 228 L132 228 Q136 250 128 262 L121 330 L119 400 Q121 418 136 428 Q137 434 126 434 L104 432
           L106 400 L103 330 L100 262 L97 330 L94 400 L96 432 L74 434 Q63 434 64 428 Q79 418 81 400 L79 330
           L72 262 Q64 250 68 228 Z"/>
</g>
<g stroke="#c6ced9" stroke-width="1" fill="none">
  <path d="M100 86 L100 228"/>
  <path d="M76 214 Q100 222 124 214"/>
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
    lowest, contradicted = grade_parts(grade) if grade else (None, False)
    if contradicted or lowest is None:
        return _GRADE_STYLE["EO"]
    return _GRADE_STYLE[lowest]


def _arrow(src: str, dst: str, grade: str, index: int) -> str:
    x1, y1 = REGION_ANCHORS[src]
    x2, y2 = REGION_ANCHORS[dst]
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
        f"{escape(grade)}</text>"
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


def body_svg(*, pain: Sequence[str], chains: Sequence[tuple[str, str, str]], width_mm: float = 58) -> str:
    """Return an SVG body outline: red discs on painful regions, one arrow per (from, to, grade) link."""
    drawn = [(s, d, g) for s, d, g in chains if s in REGION_ANCHORS and d in REGION_ANCHORS]
    arrows = "\n".join(_arrow(s, d, g, i) for i, (s, d, g) in enumerate(drawn))
    height_mm = width_mm * 440 / 230
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 230 440" width="{width_mm:g}mm" '
        f'height="{height_mm:.1f}mm" role="img" aria-label="Body outline with pain regions and chain">'
        f"<defs>{_markers()}</defs>{_OUTLINE}\n{_pain_marks(pain)}\n{arrows}</svg>"
    )
