"""Figures for movement tests: angle-versus-time panels with the detected events marked, and a contact sheet of
key frames with the tracked skeleton drawn on them.

Matplotlib is used through its object API with the Agg canvas, created inside the functions (no pyplot, no
global backend choice, nothing at import time). The contact sheet is composed with OpenCV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kinetrace.metrics.movement.events import MovementEvent
from kinetrace.values import SINGLE_SIDES

__all__ = ["KeyFrame", "SKELETON_EDGES", "contact_sheet", "plot_series"]

SKELETON_EDGES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    *((f"{s}_{a}", f"{s}_{b}") for s in ("left", "right") for a, b in (
        ("shoulder", "elbow"), ("elbow", "wrist"), ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"),
        ("ankle", "heel"), ("heel", "foot_index"), ("ankle", "foot_index"))),
    ("left_ear", "nose"), ("right_ear", "nose"),
)
# Colours (RGB): the person's left in orange, right in blue, midline in white; events in grey on plots.
_LEFT, _RIGHT, _MID = (255, 140, 0), (30, 144, 255), (240, 240, 240)
_SERIES_COLOURS = {"left": "#ff8c00", "right": "#1e90ff"}


def _label(name: str) -> str:
    unit = "°" if name.endswith("_deg") else "%" if name.endswith("_pct") else (
        "leg lengths/s" if name.endswith("_leg_per_s") else "leg lengths" if name.endswith("_leg") else "")
    stem = name.removesuffix("_deg").removesuffix("_pct").removesuffix("_leg_per_s").removesuffix("_leg")
    return stem.replace("_", " ") + (f" ({unit})" if unit else "")


def plot_series(
    time_s: np.ndarray,
    panels: Sequence[Sequence[tuple[str, np.ndarray]]],
    events: Sequence[MovementEvent],
    *,
    title: str,
    out_png: Path,
    out_svg: Path,
) -> None:
    """Draw one panel per group of series (shared time axis), mark events, and save PNG and SVG."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = max(1, len(panels))
    height = 1.9 * rows + 0.8
    fig = Figure(figsize=(9.0, height), dpi=100)  # fixed margins: constrained layout would double the cost
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.45 / height, bottom=0.45 / height, hspace=0.12)
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=False):
        for name, values in panel:
            side = "left" if "_left" in name else "right" if "_right" in name else None
            ax.plot(time_s, values, lw=1.4, color=_SERIES_COLOURS.get(side or "", "#333333"), label=_label(name))
        for ev in events:
            ax.axvline(ev.time_s, color="#888888", lw=0.8, ls="--")
        ax.legend(loc="upper right", fontsize=7, frameon=False)
        ax.grid(alpha=0.25)
        ax.tick_params(labelsize=8)
    top = axes[0]
    for ev in events:
        top.annotate(ev.name.replace("_", " ") + (f" ({ev.side})" if ev.side in SINGLE_SIDES else ""),
                     (ev.time_s, 1.0), xycoords=("data", "axes fraction"), rotation=90, fontsize=6,
                     va="top", ha="right", color="#555555")
    axes[-1].set_xlabel("time (s)", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.savefig(out_png)
    # SVG text as text, not glyph outlines: a third of the cost, smaller and still editable/searchable
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(out_svg)


@dataclass(frozen=True, slots=True)
class KeyFrame:
    """One contact-sheet tile: a thumbnail (BGR pixels or JPEG bytes), the skeleton (normalised x/y per
    landmark) and a caption."""

    image: np.ndarray | bytes
    points_norm: dict[str, tuple[float, float]]
    caption: str


def _draw_skeleton(img: np.ndarray, points: dict[str, tuple[float, float]]) -> None:
    import cv2

    h, w = img.shape[:2]

    def px(name: str) -> tuple[int, int] | None:
        p = points.get(name)
        if p is None or not all(np.isfinite(p)):
            return None
        return round(p[0] * w), round(p[1] * h)

    for a, b in SKELETON_EDGES:
        pa, pb = px(a), px(b)
        if pa is None or pb is None:
            continue
        colour = _LEFT if a.startswith("left") and b.startswith("left") else (
            _RIGHT if a.startswith("right") and b.startswith("right") else _MID)
        cv2.line(img, pa, pb, colour, 2, cv2.LINE_AA)
    for name in points:
        p = px(name)
        if p is not None:
            colour = _LEFT if name.startswith("left") else _RIGHT if name.startswith("right") else _MID
            cv2.circle(img, p, 3, colour, -1, cv2.LINE_AA)


def contact_sheet(frames: Sequence[KeyFrame], *, out_png: Path, columns: int = 4) -> None:
    """Tile key frames with their skeleton and caption into one PNG (RGB drawing, written with OpenCV)."""
    import cv2

    tiles = []
    for kf in frames:
        if isinstance(kf.image, bytes):
            bgr = cv2.imdecode(np.frombuffer(kf.image, dtype=np.uint8), cv2.IMREAD_COLOR)
        else:
            bgr = kf.image
        if bgr is None:
            raise ValueError(f"contact sheet: thumbnail for {kf.caption!r} could not be decoded")
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        _draw_skeleton(rgb, kf.points_norm)
        band = np.full((26, rgb.shape[1], 3), 20, dtype=np.uint8)
        cv2.putText(band, kf.caption[:60], (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(np.vstack([rgb, band]))
    height = max(t.shape[0] for t in tiles)
    width = max(t.shape[1] for t in tiles)
    padded = [cv2.copyMakeBorder(t, 0, height - t.shape[0], 0, width - t.shape[1], cv2.BORDER_CONSTANT, value=0)
              for t in tiles]
    while len(padded) % min(columns, len(padded)):
        padded.append(np.zeros_like(padded[0]))
    cols = min(columns, len(padded))
    rows = [np.hstack(padded[i:i + cols]) for i in range(0, len(padded), cols)]
    if not cv2.imwrite(str(out_png), cv2.cvtColor(np.vstack(rows), cv2.COLOR_RGB2BGR)):
        raise OSError(f"could not write {out_png}")
