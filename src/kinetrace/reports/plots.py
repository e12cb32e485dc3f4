"""The reassessment chart, drawn with matplotlib's Agg canvas (no pyplot, no global backend), as a PNG data URI.

PNG rather than SVG: WeasyPrint lays out every SVG text element itself, which made a chart cost more than the
rest of the page; a 200 dpi raster prints sharply and embeds in milliseconds.

Each chart is made inside its function, so importing this module does no work. Thresholds, borderline
bands and error bands come from the knowledge base's test entries; nothing here is a clinical number.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kinetrace.reports.numberline import ChartRow

__all__ = ["progress_chart_png"]

_INK = "#26303d"
_MUTED = "#8a93a0"
_LEFT = "#2f7fb5"
_RIGHT = "#c0583a"
_ABNORMAL = "#f3d3cf"
_BORDER = "#fbeacb"


def _figure(n_rows: int, *, row_in: float = 0.62, width_in: float = 7.0) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, 0.35 + row_in * n_rows))
    fig.patch.set_facecolor("white")
    fig.set_layout_engine("constrained")
    return fig


_DPI = 200


def _png(fig: Any) -> str:
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        fig.savefig(buf, format="png", dpi=_DPI)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _style_axis(ax: Any, row: ChartRow) -> None:
    ax.set_xlim(row.lo, row.hi)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(_MUTED)
    ax.tick_params(axis="x", labelsize=7, colors=_MUTED, length=2)
    ax.set_ylim(-1, 1)
    suffix = "°" if row.unit == "deg" else f" {row.unit}"
    ax.set_title(f"{row.label} ({suffix.strip()})", loc="left", fontsize=8, color=_INK, pad=2)


@dataclass(frozen=True)
class _ProgressRow:
    label: str
    unit: str
    before: float
    after: float
    error: float | None
    verdict: str


_VERDICT_COLOURS = {
    "improved": "#2e8b57",
    "worsened": "#c0392b",
    "within_measurement_error": _MUTED,
    "changed": "#d08a1f",
    "unchanged": _MUTED,
    "not_comparable": _MUTED,
}


def progress_chart_png(changes: Sequence[Any]) -> str:
    """PNG data URI, dumbbell chart: before (grey) → after (coloured by verdict), with the detectable-change band.

    `changes` are `kinetrace.progress.TestChange` values; rows without numbers are left out.
    Returns "" if none.
    """
    rows = [
        _ProgressRow(
            label=_part_label(c),
            unit=c.unit,
            before=float(c.before),
            after=float(c.after),
            error=c.detectable_change,
            verdict=c.verdict,
        )
        for c in changes
        if isinstance(c.before, int | float)
        and isinstance(c.after, int | float)
        and c.verdict in {"improved", "worsened", "within_measurement_error"}
    ]
    if not rows:
        return ""
    fig = _figure(len(rows), row_in=0.5)
    axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
    for ax, row in zip(axes, rows, strict=True):
        pad = max(3.0, 0.3 * abs(row.after - row.before), 1.3 * (row.error or 0))
        chart = ChartRow(
            label=row.label,
            unit=row.unit,
            values={},
            threshold=0,
            abnormal_below=True,
            borderline=None,
            error=row.error,
            lo=min(row.before, row.after) - pad,
            hi=max(row.before, row.after) + pad,
        )
        _style_axis(ax, chart)
        if row.error:
            ax.axvspan(row.before - row.error, row.before + row.error, color="#e6e9ee", lw=0)
        colour = _VERDICT_COLOURS.get(row.verdict, _MUTED)
        ax.plot([row.before, row.after], [0, 0], color=colour, lw=2)
        ax.plot([row.before], [0], marker="o", color=_MUTED, ms=6)
        ax.plot([row.after], [0], marker="o", color=colour, ms=7)
        ax.annotate(
            f"{row.before:g} → {row.after:g}",
            (row.after, 0),
            xytext=(7, -3),
            textcoords="offset points",
            fontsize=7,
            color=colour,
        )
    return _png(fig)


def _part_label(change: Any) -> str:
    suffix = {"left": " — left", "right": " — right", "value": "", "asymmetry": " — L/R difference"}
    return f"{change.name}{suffix.get(change.part, '')}"
