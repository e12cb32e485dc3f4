"""Annotated copies of posture photos, for showing a patient what was measured.

Drawn on the photo: the skeleton, every landmark a metric used (detected in green, edited in orange), the
plumb line through the ankle and the reference lines of each metric with its value, and a panel listing the
metrics of this view (value ± uncertainty, "proxy" where a proxy is used, not-measurable ones in red with the
reason) and the warnings. The copy carries no EXIF; faces can be blurred.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kinetrace.metrics.pose import BODY_BONES, PoseFrame, Provenance
from kinetrace.metrics.posture import Measurement, Status
from kinetrace.metrics.scale import Scale
from kinetrace.metrics.views import ViewGuess
from kinetrace.values import SINGLE_SIDES
from kinetrace.vision.image import save_image

__all__ = ["draw_annotations", "write_annotated"]


class PhotoResult(Protocol):
    """What drawing reads from `vision.photo.PhotoResult` (named here so photo imports us, never the reverse)."""

    @property
    def frame(self) -> PoseFrame | None:
        """The pose found in the photo."""

    @property
    def measurements(self) -> tuple[Measurement, ...]:
        """The posture metrics measured."""

    @property
    def roll_deg(self) -> float:
        """Camera roll corrected, in degrees."""

    @property
    def view(self) -> str | None:
        """The view used."""

    @property
    def view_detected(self) -> ViewGuess | None:
        """The view the geometry suggested."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings for this photo."""

    @property
    def scale(self) -> Scale | None:
        """How pixels became millimetres, if they did."""

    @property
    def source(self) -> str:
        """The photo's path or name."""

_BONES = (*BODY_BONES, ("left_ear", "left_eye"), ("right_ear", "right_eye"))
_GREEN, _ORANGE, _RED, _YELLOW, _WHITE, _CYAN = (
    (60, 220, 90),
    (255, 150, 30),
    (235, 60, 60),
    (255, 220, 0),
    (255, 255, 255),
    (80, 200, 255),
)


def _fmt(m: Measurement) -> str:
    label = m.name + (f" ({m.side.value})" if m.side in SINGLE_SIDES else "")
    if m.status is not Status.OK or m.value is None:
        return f"{label}: not measurable - {m.reason}"
    unit = "°" if m.unit == "deg" else f" {m.unit}"
    unc = f" ± {m.uncertainty:.1f}" if m.uncertainty is not None else ""
    return f"{label}: {m.value:+.1f}{unc}{unit}"


def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def draw_annotations(rgb: np.ndarray, result: PhotoResult) -> np.ndarray:
    """Return a copy of `rgb` with the result's landmarks, reference lines, values and warnings drawn on it."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(img, "RGBA")
    h, w = rgb.shape[:2]
    unit = max(1, round(max(h, w) / 900))
    frame = result.frame
    if frame is not None:
        _skeleton(draw, frame, unit)
        _references(draw, frame, result, unit)
        _used_points(draw, result.measurements, unit)
    _panel(draw, result, unit)
    return np.asarray(img)


def _skeleton(draw: Any, frame: PoseFrame, unit: int) -> None:
    for a, b in _BONES:
        if frame.landmarks[a].visibility >= 0.3 and frame.landmarks[b].visibility >= 0.3:
            draw.line([frame.point_px(a), frame.point_px(b)], fill=(255, 255, 255, 150), width=unit)


def _used_points(draw: Any, measurements: tuple[Measurement, ...], unit: int) -> None:
    seen: dict[str, Any] = {}
    for m in measurements:
        for lm in m.landmarks:
            seen[lm.name] = lm
    r = 4 * unit
    for lm in seen.values():
        colour = _ORANGE if lm.provenance is Provenance.EDITED else _GREEN
        draw.ellipse([lm.x_px - r, lm.y_px - r, lm.x_px + r, lm.y_px + r], fill=colour, outline=_WHITE)
        if lm.provenance is Provenance.EDITED:
            draw.text((lm.x_px + r + 2, lm.y_px - r), "edited", fill=_ORANGE, font=_font(11 * unit))


def _dirs(roll_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """True horizontal (to the right) and true up, in image pixels (y down), for a camera rolled clockwise."""
    t = math.radians(roll_deg)
    return np.array([math.cos(t), math.sin(t)]), np.array([math.sin(t), -math.cos(t)])


def _references(draw: Any, frame: PoseFrame, result: PhotoResult, unit: int) -> None:
    horiz, up = _dirs(result.roll_deg)
    span = max(frame.image_width_px, frame.image_height_px)
    by_id = {m.metric_id: m for m in result.measurements if m.status is Status.OK}
    font = _font(14 * unit)
    plumb = next((m for k, m in by_id.items() if k.startswith("sagittal_plumb_offset")), None)
    if plumb is not None:
        ankle = np.array(next((lm.x_px, lm.y_px) for lm in plumb.landmarks if lm.name.endswith("ankle")))
        _dashed(draw, ankle + up * span, ankle - up * 0.02 * span, _YELLOW, unit)
        draw.text(tuple(ankle + np.array([6 * unit, -40 * unit])), "plumb line", fill=_YELLOW, font=font)
    cva = by_id.get("craniovertebral_angle")
    if cva is not None and cva.value is not None:
        ear = np.array([(lm.x_px, lm.y_px) for lm in cva.landmarks if lm.name.endswith("ear")][0])
        sh = np.array([(lm.x_px, lm.y_px) for lm in cva.landmarks if lm.name.endswith("shoulder")][0])
        length = float(np.linalg.norm(ear - sh))
        facing = 1.0 if ear[0] >= sh[0] or cva.value > 90 else -1.0
        draw.line([tuple(sh), tuple(sh + horiz * facing * length * 1.2)], fill=_CYAN, width=2 * unit)
        draw.line([tuple(sh), tuple(ear)], fill=_CYAN, width=2 * unit)
        start = -math.degrees(math.atan2(-(ear - sh)[1], (ear - sh)[0]))
        base = math.degrees(math.atan2(horiz[1] * facing, horiz[0] * facing))
        r = 0.5 * length
        a0, a1 = sorted((start, base))
        draw.arc([sh[0] - r, sh[1] - r, sh[0] + r, sh[1] + r], a0, a1, fill=_CYAN, width=2 * unit)
        draw.text(
            tuple(sh + np.array([facing * (r + 6 * unit), -r * 0.6])), f"CVA {cva.value:.1f}°", fill=_CYAN, font=font
        )
    for metric_id in ("frontal_head_tilt", "shoulder_height_difference", "pelvic_obliquity_angle"):
        m = by_id.get(metric_id)
        if m is None or len(m.landmarks) < 2:
            continue
        a, b = (np.array((lm.x_px, lm.y_px)) for lm in m.landmarks[:2])
        left = a if a[0] < b[0] else b
        length = float(np.linalg.norm(b - a))
        draw.line([tuple(left - horiz * 0.3 * length), tuple(left + horiz * 1.3 * length)], fill=_YELLOW, width=unit)
        draw.line([tuple(a), tuple(b)], fill=_CYAN, width=2 * unit)
        value = f"{abs(m.value or 0):.1f}{'°' if m.unit == 'deg' else ' ' + m.unit}"
        draw.text(
            tuple(left + horiz * 1.35 * length - np.array([0, 8 * unit])),
            f"{value} low {m.side.value}" if metric_id != "frontal_head_tilt" else f"tilt {value} to {m.side.value}",
            fill=_CYAN,
            font=font,
        )


def _dashed(draw: Any, a: np.ndarray, b: np.ndarray, colour: tuple[int, int, int], unit: int) -> None:
    n = max(2, int(np.linalg.norm(b - a) / (12 * unit)))
    pts = [a + (b - a) * i / n for i in range(n + 1)]
    for i in range(0, n, 2):
        draw.line([tuple(pts[i]), tuple(pts[i + 1])], fill=colour, width=2 * unit)


def _panel(draw: Any, result: PhotoResult, unit: int) -> None:
    view_reason = "needs a "
    lines: list[tuple[str, tuple[int, int, int]]] = [
        (
            f"Kinetrace posture - {result.view or 'unknown'} view"
            + (f" (detected: {result.view_detected.view})" if result.view_detected else ""),
            _WHITE,
        )
    ]
    for m in result.measurements:
        if m.status is not Status.OK and m.reason.startswith(view_reason):
            continue
        lines.append((_fmt(m), _WHITE if m.status is Status.OK else _RED))
    lines += [(f"! {w}", _ORANGE) for w in result.warnings]
    if result.scale is not None:
        lines.append((f"scale: {result.scale.basis}", _WHITE))
    font = _font(13 * unit)
    step = 17 * unit
    max_width = draw.im.size[0] - 16 * unit
    lines = [(part, colour) for text, colour in lines for part in _wrap(draw, text, font, max_width)]
    width = max(draw.textlength(t, font=font) for t, _ in lines) + 16 * unit
    draw.rectangle([0, 0, width, step * len(lines) + 10 * unit], fill=(0, 0, 0, 170))
    for i, (text, colour) in enumerate(lines):
        draw.text((8 * unit, 5 * unit + i * step), text, fill=colour, font=font)


def _wrap(draw: Any, text: str, font: Any, max_width: float) -> list[str]:
    """Split text into lines no wider than max_width (pixels), at spaces."""
    out: list[str] = []
    line = ""
    for word in text.split(" "):
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > max_width:
            out.append(line)
            line = "   " + word
        else:
            line = trial if not line.startswith("   ") else f"{line} {word}"
    return [*out, line] if line else out


def write_annotated(path: Path, result: PhotoResult, out_dir: Path, *, blur_faces: bool = False) -> Path:
    """Decode the photo at full size, blur faces if asked, draw the annotations, save `<stem>_posture.jpg`."""
    from kinetrace.vision.image import load_photo

    rgb = load_photo(path, work_long_side_px=None).rgb
    if blur_faces:
        from kinetrace.vision.face import blur_faces as _blur

        rgb, _ = _blur(rgb, result.frame)
    target = Path(out_dir) / f"{Path(result.source).stem}_posture.jpg"
    return save_image(draw_annotations(rgb, result), target)
