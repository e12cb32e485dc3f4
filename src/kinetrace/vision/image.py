"""Reading photos safely and writing image copies without metadata.

`load_photo` refuses, with one clear `MediaError` each, files that are not images, truncated or corrupt
images, decompression bombs (declared size above `max_pixels`) and images too small to hold a person. Phone
photos are turned upright from their EXIF orientation before anything else. `save_image` writes a copy that
carries no EXIF or other metadata, atomically (temporary file, then rename).
"""

from __future__ import annotations

import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from kinetrace.errors import MediaError, NotFoundError

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "MIN_SIDE_PX",
    "WORK_LONG_SIDE_PX",
    "Photo",
    "load_photo",
    "load_photo_full",
    "save_image",
]

DEFAULT_MAX_PIXELS = 80_000_000  # far above any phone camera, far below a decompression bomb
MIN_SIDE_PX = 64  # smaller images cannot show a whole body with usable landmarks
# Large JPEGs are decoded down to about this long side (see load_photo); the landmark model reads a 256-pixel
# crop around the person, and a person filling the frame keeps more pixels than that.
WORK_LONG_SIDE_PX = 960


@dataclass(frozen=True, slots=True)
class Photo:
    """A decoded photo: upright RGB pixels (H×W×3 uint8), its full upright size and where it came from.

    Large JPEGs are decoded at a reduced scale (`rgb` may be smaller than `full_width_px`); landmarks are
    normalised, so they map back to full-size pixels, in which manual corrections are given.
    """

    rgb: np.ndarray
    source: str
    path: str = ""
    full_width_px: int = 0
    full_height_px: int = 0
    was_rotated_by_exif: bool = False

    @property
    def width_px(self) -> int:
        """Decoded width in pixels."""
        return int(self.rgb.shape[1])

    @property
    def height_px(self) -> int:
        """Decoded height in pixels."""
        return int(self.rgb.shape[0])


def load_photo(path: str | Path, *, max_pixels: int = DEFAULT_MAX_PIXELS,
               work_long_side_px: int | None = WORK_LONG_SIDE_PX) -> Photo:
    """Decode an image file into an upright RGB `Photo`.

    JPEGs whose long side is at least twice `work_long_side_px` are decoded at 1/2, 1/4 or 1/8 scale, never
    below that length (the pose model looks at 256-pixel crops, so nothing is lost); None decodes in full.

    Raises:
        NotFoundError: the file does not exist.
        MediaError: not an image, corrupt, too large (decompression bomb) or too small.
    """
    from PIL import Image, UnidentifiedImageError

    p = Path(path)
    name = p.name
    if not p.is_file():
        raise NotFoundError("photo", str(path), message=f"{path}: file not found")
    try:
        with warnings.catch_warnings(), _strict_truncation():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(p) as img:
                photo = _decode(img, name, max_pixels=max_pixels, work_long_side_px=work_long_side_px)
                photo = replace(photo, path=str(p))
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError("photo", name, message=f"{name}: image too large (decompression bomb?)") from exc
    except UnidentifiedImageError as exc:
        raise MediaError("photo", name, message=f"{name}: not an image file (expected JPEG, PNG, ...)") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaError("photo", name, message=f"{name}: corrupt or truncated image ({exc})") from exc
    return photo


_TRUNCATION_LOCK = threading.Lock()


@contextmanager
def _strict_truncation() -> Iterator[None]:
    """Refuse truncated images while decoding, whatever another library set globally.

    WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True` when it is imported (reports,
    the web app), which would let a cut-off upload decode silently as a partly grey picture.
    """
    from PIL import ImageFile

    with _TRUNCATION_LOCK:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def load_photo_full(photo: Photo) -> np.ndarray:
    """Return the full-size pixels of a photo that was decoded at reduced scale (reads its file again)."""
    return load_photo(photo.path, work_long_side_px=None).rgb


def _decode(img: Any, name: str, *, max_pixels: int, work_long_side_px: int | None) -> Photo:
    from PIL import Image

    width, height = img.size
    if width * height > max_pixels:
        raise MediaError("photo", name, message=f"{name}: image too large ({width}×{height} pixels; "
                                                f"at most {max_pixels:,} are accepted)")
    if min(width, height) < MIN_SIDE_PX:
        raise MediaError("photo", name, message=f"{name}: image too small ({width}×{height} pixels; "
                                                f"at least {MIN_SIDE_PX} on each side are needed)")
    orientation = _orientation(img)
    if work_long_side_px and img.format == "JPEG" and max(width, height) >= 2 * work_long_side_px:
        k = max(width, height) / work_long_side_px
        img.draft("RGB", (int(width / k), int(height / k)))
    img.load()
    if img.mode != "RGB":
        img = img.convert("RGB")
    transpose = _TRANSPOSE.get(orientation or 1)
    if transpose is not None:
        img = img.transpose(getattr(Image.Transpose, transpose))
    rgb = np.asarray(img, dtype=np.uint8)
    full_w, full_h = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    return Photo(rgb=rgb, source=name, full_width_px=full_w, full_height_px=full_h,
                 was_rotated_by_exif=transpose is not None)


# EXIF orientation → the transpose that makes the picture upright
_TRANSPOSE = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
              7: "TRANSVERSE", 8: "ROTATE_90"}


def _orientation(img: object) -> int | None:
    try:
        return img.getexif().get(0x0112)  # type: ignore[attr-defined,no-any-return]
    except Exception:  # noqa: BLE001 - a broken EXIF block just means "no orientation"
        return None


def save_image(rgb: np.ndarray, path: str | Path, *, quality: int = 90) -> Path:
    """Write RGB pixels to `path` (format from the suffix) with no EXIF or other metadata; return the path."""
    from PIL import Image

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), mode="RGB")
    fmt = "PNG" if target.suffix.lower() == ".png" else "JPEG"
    fd, tmp = tempfile.mkstemp(prefix=".kt-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        # A fresh image from pixels has no info dict, so nothing but pixels is written.
        img.save(tmp, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; copies are meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
