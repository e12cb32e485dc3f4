"""Invariants of the posture metrics (Hypothesis): image scale and translation change no angle and no
body-proportional distance; mirroring a person swaps their left and right results."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from posture_frames import frame_from_px, front_points, side_points

from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.pose import PoseFrame
from kinetrace.metrics.posture import Measurement, Status, measure_posture
from kinetrace.metrics.views import mirror_labels
from kinetrace.units import Side

CAT = load_catalogue()
jitter = st.floats(min_value=-25.0, max_value=25.0, allow_nan=False)


def _perturbed(base: dict[str, tuple[float, float]], data: st.DataObject) -> dict[str, tuple[float, float]]:
    return {k: (x + data.draw(jitter), y + data.draw(jitter)) for k, (x, y) in base.items()}


def _transform(pts: dict[str, tuple[float, float]], k: float, dx: float, dy: float) -> dict[str, tuple[float, float]]:
    return {n: (x * k + dx, y * k + dy) for n, (x, y) in pts.items()}


def _values(frame: PoseFrame, view: str) -> dict[tuple[str, Side], Measurement]:
    return {(m.metric_id, m.side): m for m in measure_posture(frame, view, CAT)  # type: ignore[arg-type]
            if m.status is Status.OK}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), k=st.floats(min_value=0.3, max_value=3.0), dx=st.floats(-300, 300), dy=st.floats(-300, 300),
       view=st.sampled_from(["front", "right"]))
def test_scale_and_translation_change_no_angle(data: st.DataObject, k: float, dx: float, dy: float,
                                               view: str) -> None:
    base = _perturbed(front_points() if view == "front" else side_points(), data)
    a = _values(frame_from_px(base, width=1000, height=2000), view)
    moved = _transform(base, k, dx + 400, dy + 400)  # keep every point inside the bigger image
    b = _values(frame_from_px(moved, width=int(1000 * k + 1200), height=int(2000 * k + 1200)), view)
    assert a.keys() == b.keys()
    for key, m in a.items():
        if m.unit in ("deg", "%stature"):
            assert b[key].value == pytest.approx(m.value, abs=1e-6), key


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_mirroring_a_person_swaps_left_and_right(data: st.DataObject) -> None:
    # A mirrored person photographed from the front: x → W − x and every left/right label exchanged.
    base = _perturbed(front_points(), data)
    frame = frame_from_px(base)
    mirrored_pts = {n: (1000.0 - x, y) for n, (x, y) in base.items()}
    mirrored = mirror_labels(dataclasses.replace(frame_from_px(mirrored_pts)))
    a, b = _values(frame, "front"), _values(mirrored, "front")
    for metric_id in ("frontal_head_tilt", "shoulder_height_difference", "pelvic_obliquity_angle",
                      "lateral_trunk_shift"):
        ma, mb = a[(metric_id, a_side(a, metric_id))], b[(metric_id, a_side(b, metric_id))]
        assert mb.value == pytest.approx(-ma.value, abs=1e-6), metric_id  # type: ignore[operator]
        if ma.side is not Side.NONE:
            assert mb.side is (Side.RIGHT if ma.side is Side.LEFT else Side.LEFT)
    left = a[("standing_knee_frontal_angle", Side.LEFT)].value
    right = a[("standing_knee_frontal_angle", Side.RIGHT)].value
    assert b[("standing_knee_frontal_angle", Side.RIGHT)].value == pytest.approx(left, abs=1e-6)
    assert b[("standing_knee_frontal_angle", Side.LEFT)].value == pytest.approx(right, abs=1e-6)


def a_side(values: dict[tuple[str, Side], Measurement], metric_id: str) -> Side:
    """The side key under which a directional metric was stored."""
    return next(side for (mid, side) in values if mid == metric_id)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_sagittal_angles_do_not_depend_on_which_way_the_person_faces(data: st.DataObject) -> None:
    base = _perturbed(side_points(), data)
    flipped = {n.replace("right_", "left_"): (1000.0 - x, y) for n, (x, y) in base.items()}
    a, b = _values(frame_from_px(base), "right"), _values(frame_from_px(flipped), "left")
    for metric_id in ("craniovertebral_angle", "trunk_inclination", "rounded_shoulder_angle"):
        assert b[(metric_id, Side.NONE)].value == pytest.approx(a[(metric_id, Side.NONE)].value, abs=1e-6)
    assert b[("knee_hyperextension", Side.LEFT)].value == pytest.approx(
        a[("knee_hyperextension", Side.RIGHT)].value, abs=1e-6)
