"""A truncated photo is refused even after WeasyPrint switched Pillow to loading truncated images."""

import pytest
import weasyprint  # noqa: F401  (sets LOAD_TRUNCATED_IMAGES globally)
from PIL import Image

from kinetrace.errors import MediaError
from kinetrace.vision.image import load_photo


def test_x(tmp_path):
    import numpy as np
    Image.fromarray((np.random.rand(480,640,3)*255).astype('uint8')).save(tmp_path/'a.jpg', quality=92)
    (tmp_path/'cut.jpg').write_bytes((tmp_path/'a.jpg').read_bytes()[:3000])
    with pytest.raises(MediaError, match="corrupt"):
        load_photo(tmp_path/'cut.jpg')
