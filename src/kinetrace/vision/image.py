"""Reading photos safely and writing image copies without metadata.

`load_photo` refuses, with one clear `MediaError` each, files that are not images, truncated or corrupt
images, decompression bombs (declared size above `max_pixels`) and images too small to hold a person. Phone
photos are turned upright from their EXIF orientation before anything else. `save_image` writes a copy that
carries no EXIF or other metadata, atomically (temporary file, then rename).
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kinetrace.errors import MediaError, NotFoundError

__all__ = ["DEFAULT_MAX_PIXELS", "MIN_SIDE_PX", "Photo", "load_photo", "save_image"]

DEFAULT_MAX_PIXELS = 80_000_000  # far above any phone camera, far below a decompression bomb
MIN_SIDE_PX = 64  # smaller images cannot show a whole body with usable landmarks


@dataclass(frozen=True, slots=True)
class Photo:
    """A decoded photo: upright RGB pixels (H×W×3 uint8) and where it came from."""

    rgb: np.ndarray
    source: str
    was_rotated_by_exif: bool = False

    @property
    def width_px(self) -> int:
        """Image width in pixels."""
        return int(self.rgb.shape[1])

    @property
    def height_px(self) -> int:
        """Image height in pixels."""
        return int(self.rgb.shape[0])


def load_photo(path: str | Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Photo:
    """Decode an image file into an upright RGB `Photo`.

    Raises:
        NotFoundError: the file does not exist.
        MediaError: not an image, corrupt, too large (decompression bomb) or too small.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    p = Path(path)
    name = p.name
    if not p.is_file():
        raise NotFoundError("photo", str(path), message=f"{path}: file not found")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(p) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise MediaError(
                        "photo",
                        name,
                        message=f"{name}: image too large ({width}×{height} pixels; "
                        f"at most {max_pixels:,} are accepted)",
                    )
                img.load()
                upright = ImageOps.exif_transpose(img)
                rotated = _orientation(img) not in (None, 1)
                rgb = np.asarray(upright.convert("RGB"), dtype=np.uint8).copy()
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError("photo", name, message=f"{name}: image too large (decompression bomb?)") from exc
    except UnidentifiedImageError as exc:
        raise MediaError("photo", name, message=f"{name}: not an image file (expected JPEG, PNG, ...)") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaError("photo", name, message=f"{name}: corrupt or truncated image ({exc})") from exc
    if min(rgb.shape[:2]) < MIN_SIDE_PX:
        raise MediaError(
            "photo",
            name,
            message=f"{name}: image too small ({rgb.shape[1]}×{rgb.shape[0]} pixels; "
            f"at least {MIN_SIDE_PX} on each side are needed)",
        )
    return Photo(rgb=rgb, source=name, was_rotated_by_exif=bool(rotated))


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
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
