"""Geometry helpers against hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from kinetrace.metrics import geometry as g


def test_line_angle_of_a_3_4_5_triangle() -> None:
    # atan2(3, 4) = 36.8699°
    assert g.line_angle_deg(np.array([1.0, 1.0]), np.array([5.0, 4.0])) == pytest.approx(36.8699, abs=1e-4)


def test_angle_at_vertex_is_a_right_angle_for_perpendicular_arms() -> None:
    assert g.angle_at_deg(np.array([4.0, 0.0]), np.array([0.0, 0.0]), np.array([0.0, 3.0])) == pytest.approx(90.0)


def test_bend_angle_is_zero_for_a_straight_limb_and_signed_otherwise() -> None:
    assert g.bend_angle_deg(np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.array([0.0, 0.0])) == 0.0
    # turning towards -x while going down (y-up frame) is clockwise: negative
    assert g.bend_angle_deg(np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.array([-1.0, 0.0])) == pytest.approx(-45.0)


def test_inclination_sign_follows_the_forward_direction() -> None:
    lower, upper = np.array([0.0, 0.0]), np.array([3.0, 4.0])
    assert g.inclination_deg(lower, upper, forward=1.0) == pytest.approx(36.8699, abs=1e-4)
    assert g.inclination_deg(lower, upper, forward=-1.0) == pytest.approx(-36.8699, abs=1e-4)


def test_rotation_about_a_centre_keeps_the_centre_and_turns_counter_clockwise() -> None:
    out = g.rotate(np.array([[2.0, 1.0], [1.0, 1.0]]), 90.0, centre=np.array([1.0, 1.0]))
    assert out == pytest.approx(np.array([[1.0, 2.0], [1.0, 1.0]]))


def test_image_points_flip_to_y_up() -> None:
    assert list(g.to_y_up(3.0, 4.0)) == [3.0, -4.0]
    assert list(g.midpoint(np.array([0.0, 0.0]), np.array([2.0, 4.0]))) == [1.0, 2.0]
