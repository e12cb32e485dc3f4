"""Safe photo decoding: one clear MediaError per unusable file; copies carry no EXIF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kinetrace.errors import MediaError, NotFoundError
from kinetrace.vision.image import load_photo, save_image


def _jpeg_with_exif(path: Path, *, orientation: int = 1) -> None:
    img = Image.new("RGB", (120, 80), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCam"  # Make
    img.save(path, exif=exif.tobytes())


def test_text_file_named_jpg_is_not_an_image(tmp_path: Path) -> None:
    p = tmp_path / "notes.jpg"
    p.write_text("hello")
    with pytest.raises(MediaError, match=r"notes\.jpg: not an image"):
        load_photo(p)


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.jpg"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300, 3), dtype=np.uint8)).save(good)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(MediaError, match=r"bad\.jpg: corrupt or truncated"):
        load_photo(bad)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    p = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(p)  # 144 Mpx declared, a few kB on disk
    assert p.stat().st_size < 200_000
    with pytest.raises(MediaError, match="too large"):
        load_photo(p)


def test_one_pixel_image_is_too_small(tmp_path: Path) -> None:
    p = tmp_path / "dot.png"
    Image.new("RGB", (1, 1)).save(p)
    with pytest.raises(MediaError, match=r"dot\.png: image too small \(1×1"):
        load_photo(p)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        load_photo(tmp_path / "nope.jpg")


def test_exif_orientation_turns_the_photo_upright(tmp_path: Path) -> None:
    p = tmp_path / "rot.jpg"
    _jpeg_with_exif(p, orientation=6)  # stored landscape, shown rotated 90°
    photo = load_photo(p)
    assert (photo.width_px, photo.height_px) == (80, 120) and photo.was_rotated_by_exif


def test_saved_copies_carry_no_exif(tmp_path: Path) -> None:
    src = tmp_path / "with_exif.jpg"
    _jpeg_with_exif(src)
    assert Image.open(src).getexif()
    out = save_image(load_photo(src).rgb, tmp_path / "copy.jpg")
    with Image.open(out) as img:
        assert not img.getexif() and "exif" not in img.info
    assert not list(tmp_path.glob(".kt-*"))  # no temporary file left behind
