"""Photo previews made on the server from the decoded, size-checked image, so a browser never decodes an upload.

An image whose declared size passes `max_pixels` (a decompression bomb) or that does not decode gets no preview;
the page shows a placeholder instead. Previews are cached next to the uploads (0600, like the uploads).
"""

from __future__ import annotations

import os
import uuid
import warnings
from pathlib import Path

__all__ = ["PREVIEW_SIZES", "PLACEHOLDER_SVG", "make_preview"]

PREVIEW_SIZES = {"thumb": 320, "review": 1600}
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120" viewBox="0 0 160 120" role="img" '
    'aria-label="No preview"><rect width="160" height="120" fill="#eee"/>'
    '<text x="80" y="64" font-size="12" text-anchor="middle" fill="#555">No preview</text></svg>'
)


def make_preview(source: Path, previews: Path, *, size: str, max_pixels: int) -> Path | None:
    """Return a JPEG preview of `source` no longer than the size's long side, or None when it cannot be made."""
    target = previews / f"{source.stem}.{size}.jpg"
    if target.is_file():
        return target
    from PIL import Image, ImageOps, UnidentifiedImageError

    long_side = PREVIEW_SIZES[size]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as img:
                width, height = img.size
                if width * height > max_pixels or width < 1 or height < 1:
                    return None
                img.draft("RGB", (long_side, long_side))  # JPEG: decode at a reduced scale
                shown = ImageOps.exif_transpose(img).convert("RGB")
                shown.thumbnail((long_side, long_side))
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    # A part file of its own (two requests may make the same preview at once), complete on disk before the rename,
    # so a preview is either whole or absent; start-up removes parts a crash left.
    part = previews / f".{target.name}.{uuid.uuid4().hex[:8]}.part"
    try:
        with os.fdopen(os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as out:
            shown.save(out, format="JPEG", quality=82)
            out.flush()
            os.fsync(out.fileno())
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)
    return target
