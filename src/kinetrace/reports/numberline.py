"""Measurements against norms as inline SVG number lines, one row per thresholded finding.

Drawn by hand rather than with matplotlib: a clinician report is made on every download, and importing and
laying out matplotlib cost more than the rest of the PDF. Each row shows the abnormal zone (red), the borderline
band (amber), the measurement-error band around the threshold (hatched), the threshold, and the left, right or
single value. Thresholds and bands come from the knowledge base's test entries; nothing here is a clinical number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from kinetrace.result import FindingResult
from kinetrace.values import Side

__all__ = ["ChartRow", "numberline_svg", "threshold_rows"]

_W = 700.0  # drawing width in SVG units
_LEFT_PAD, _RIGHT_PAD = 8.0, 40.0
_ROW_H = 50.0
_INK, _MUTED, _LEFT, _RIGHT = "#26303d", "#8a93a0", "#2f7fb5", "#c0583a"
_ABNORMAL, _BORDER, _TRACK = "#f3d3cf", "#fbeacb", "#eef1f5"
_MARKS = {"left": (_LEFT, "L", -7.0), "right": (_RIGHT, "R", 7.0), "value": (_INK, "", 0.0)}


@dataclass(frozen=True)
class ChartRow:
    """One finding on a number line: values, the rule's threshold and bands, in the test's unit."""

    label: str
    unit: str
    values: dict[str, float]  # "left" / "right" / "value" → number
    threshold: float
    abnormal_below: bool
    borderline: float | None
    error: float | None
    lo: float
    hi: float


def threshold_rows(findings: Sequence[FindingResult], tests: Mapping[str, Any]) -> list[ChartRow]:
    """Chart rows for numeric findings whose test reads them against a threshold (below/above rules)."""
    rows = []
    for f in findings:
        test = tests.get(f.test_id)
        rule = _primary_threshold_rule(test)
        values = {k: float(v) for k in ("left", "right", "value") if isinstance(v := getattr(f, k), int | float)}
        if test is None or rule is None or not values:
            continue
        error = test.measurement_error.gate if test.measurement_error is not None else None
        span = [*values.values(), rule.threshold] + ([rule.borderline] if rule.borderline is not None else [])
        pad = max(0.25 * (max(span) - min(span)), 1.5 * (error or 0), 1.0)
        rows.append(
            ChartRow(
                label=f.name,
                unit=f.unit,
                values=values,
                threshold=rule.threshold,
                abnormal_below=rule.when == "below",
                borderline=rule.borderline,
                error=error,
                lo=min(span) - pad,
                hi=max(span) + pad,
            )
        )
    return rows


def _primary_threshold_rule(test: Any) -> Any:
    if test is None:
        return None
    return next((r for r in test.informs if r.role == "primary" and r.when in {"below", "above"}), None)


def _ticks(lo: float, hi: float, *, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) inside [lo, hi]."""
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _row(row: ChartRow, top: float) -> str:
    def x(v: float) -> float:
        return _LEFT_PAD + (v - row.lo) / (row.hi - row.lo) * (_W - _LEFT_PAD - _RIGHT_PAD)

    unit = "°" if row.unit == "deg" else f" {row.unit}"
    y0, y1 = top + 16, top + 34
    parts = [
        f'<text x="{_LEFT_PAD}" y="{top + 11}" font-size="10" fill="{_INK}">{escape(row.label)}'
        f'<tspan fill="{_MUTED}"> ({escape(unit.strip())})</tspan></text>',
        f'<rect x="{x(row.lo):.1f}" y="{y0}" width="{x(row.hi) - x(row.lo):.1f}" height="{y1 - y0}" fill="{_TRACK}"/>',
    ]
    edge = row.lo if row.abnormal_below else row.hi
    a, b = sorted((x(edge), x(row.threshold)))
    parts.append(f'<rect x="{a:.1f}" y="{y0}" width="{b - a:.1f}" height="{y1 - y0}" fill="{_ABNORMAL}"/>')
    if row.borderline is not None:
        a, b = sorted((x(row.borderline), x(row.threshold)))
        parts.append(f'<rect x="{a:.1f}" y="{y0}" width="{b - a:.1f}" height="{y1 - y0}" fill="{_BORDER}"/>')
    if row.error:
        a, b = x(max(row.lo, row.threshold - row.error)), x(min(row.hi, row.threshold + row.error))
        parts.append(f'<rect x="{a:.1f}" y="{y0}" width="{b - a:.1f}" height="{y1 - y0}" fill="url(#kt-hatch)"/>')
    parts.append(
        f'<line x1="{x(row.threshold):.1f}" x2="{x(row.threshold):.1f}" y1="{y0 - 3}" y2="{y1 + 3}" '
        f'stroke="{_INK}" stroke-width="1.5"/>'
    )
    parts.extend(
        f'<text x="{x(t):.1f}" y="{y1 + 12}" font-size="8" fill="{_MUTED}" text-anchor="middle">{_fmt(t)}</text>'
        for t in _ticks(row.lo, row.hi)
    )
    for key, value in row.values.items():
        colour, tag, dy = _MARKS[key]
        cx, cy = x(value), (y0 + y1) / 2 + dy * 0.55
        shape = (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.2" fill="{colour}"/>'
            if key == Side.LEFT
            else f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>'
            if key == Side.RIGHT
            else f'<path d="M{cx:.1f} {cy - 5.5:.1f} l5.5 5.5 l-5.5 5.5 l-5.5 -5.5 Z" fill="{colour}"/>'
        )
        parts.append(shape)
        parts.append(
            f'<text x="{cx + 7:.1f}" y="{cy + 3.5:.1f}" font-size="9" font-weight="bold" fill="{colour}">'
            f"{tag} {_fmt(value)}".replace("> ", ">")
            + "</text>"
        )
    return "".join(parts)


def numberline_svg(rows: Sequence[ChartRow]) -> str:
    """Return one SVG with a number line per row, or "" when there is nothing to draw."""
    if not rows:
        return ""
    height = _ROW_H * len(rows) + 4
    body = "".join(_row(r, i * _ROW_H) for i, r in enumerate(rows))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W:g} {height:g}" width="100%" '
        f'font-family="DejaVu Sans" role="img" aria-label="Measurements against their thresholds">'
        f'<defs><pattern id="kt-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{_MUTED}" stroke-width="1.2"/>'
        f"</pattern></defs>{body}</svg>"
    )
