"""Manual landmark corrections: parsing, provenance, vertical reference and scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinetrace.errors import InputError
from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame, Provenance
from kinetrace.vision.overrides import apply_landmarks, load_overrides, parse_overrides


def _frame() -> PoseFrame:
    return PoseFrame(landmarks={n: Landmark(0.5, 0.5, visibility=0.2) for n in LANDMARK_NAMES},
                     image_width_px=1000, image_height_px=2000)


def test_edited_landmark_moves_and_is_marked_edited() -> None:
    fixes = parse_overrides({"side.jpg": {"left_ear": [412, 230]}})
    frame = apply_landmarks(_frame(), fixes["side.jpg"].landmarks)
    ear = frame.landmarks["left_ear"]
    assert (ear.x_norm, ear.y_norm, ear.visibility) == (0.412, 0.115, 1.0)
    assert ear.provenance is Provenance.EDITED
    assert frame.landmarks["right_ear"].provenance is Provenance.DETECTED


def test_vertical_reference_gives_the_camera_roll() -> None:
    # top 10 px to the right over 100 px of height: atan(0.1) = 5.711° clockwise
    fixes = parse_overrides({"a.jpg": {"_vertical": [[110, 0], [100, 100]]}})
    assert fixes["a.jpg"].roll_deg() == pytest.approx(5.7106, abs=1e-4)


def test_scale_reference_is_read() -> None:
    fixes = parse_overrides({"a.jpg": {"_scale": {"a": [0, 0], "b": [0, 500], "mm": 1000}}})
    assert fixes["a.jpg"].scale_mm == 1000.0


@pytest.mark.parametrize(("data", "field"), [
    ({"a.jpg": {"left_eer": [1, 2]}}, "overrides.a.jpg.left_eer"),
    ({"a.jpg": {"left_ear": [1]}}, "overrides.a.jpg.left_ear"),
    ({"a.jpg": {"_scale": {"a": [0, 0], "b": [0, 1], "mm": -3}}}, "overrides.a.jpg._scale.mm"),
    ([1, 2], "overrides"),
])
def test_malformed_overrides_name_the_field(data: object, field: str) -> None:
    with pytest.raises(InputError, match=field.replace(".", r"\.")):
        parse_overrides(data)


def test_overrides_file_that_is_not_json_is_an_input_error(tmp_path: Path) -> None:
    p = tmp_path / "fix.json"
    p.write_text("{not json")
    with pytest.raises(InputError, match="landmarks"):
        load_overrides(p)
    p.write_text(json.dumps({"a.jpg": {"nose": [1, 2]}}))
    assert load_overrides(p)["a.jpg"].landmarks == {"nose": (1.0, 2.0)}
