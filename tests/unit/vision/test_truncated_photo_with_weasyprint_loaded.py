"""A truncated photo is refused even after WeasyPrint switched Pillow to loading truncated images."""

from pathlib import Path

import numpy as np
import pytest
import weasyprint  # noqa: F401  (importing it sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the process)
from PIL import Image, ImageFile

from kinetrace.errors import MediaError
from kinetrace.vision.image import load_photo


def test_truncated_jpeg_is_refused_as_corrupt_whatever_the_global_pillow_setting(tmp_path: Path):
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    noise = (np.random.default_rng(0).random((480, 640, 3)) * 255).astype("uint8")
    Image.fromarray(noise).save(tmp_path / "whole.jpg", quality=92)
    (tmp_path / "cut.jpg").write_bytes((tmp_path / "whole.jpg").read_bytes()[:3000])
    with pytest.raises(MediaError, match="corrupt"):
        load_photo(tmp_path / "cut.jpg")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the global is restored afterwards
