"""OpenSim coordinate files (.mot written by OpenSim's STOFileAdapter) → findings by trial kind."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from motion_files import write_mot

from kinetrace.errors import InputError
from kinetrace.imports import import_motion

# Five frames; expected values worked by hand from the rules in imports/data/opensim_coordinates.yaml.
COLUMNS = {
    "pelvis_tilt": [-12.0] * 5,              # −pelvis_tilt → 12° anterior
    "pelvis_list": [2.0, 2.1, 2.2, 2.3, 2.4],  # mean 2.2°, positive → right side low
    "hip_rotation_r": [30.0, 31, 32, 33, 34],  # max 34°
    "hip_rotation_l": [20.0, 21, 22, 23, 24],  # max 24°
    "hip_flexion_r": [5.0, 0, -4, -9, -2],     # −min → 9° extension
    "hip_flexion_l": [5.0, 1, -3, -6, -1],     # −min → 6° extension
    "knee_angle_r": [3.0] * 5,                 # −mean → −3° (flexed, not hyperextended)
    "knee_angle_l": [-2.0] * 5,                # −mean → +2° hyperextension
    "lumbar_extension": [5.0, 7, 9, 11, 13],   # rise: 13 − 5 = 8°
}


@pytest.fixture
def mot(tmp_path: Path) -> Path:
    return write_mot(tmp_path / "ik.mot", COLUMNS)


def test_standing_trial_gives_pelvic_tilt_obliquity_and_knees(mot: Path) -> None:
    f = import_motion(mot, trial="standing").findings
    assert f["pelvic_tilt_sagittal"]["value"] == 12.0
    assert (f["pelvic_obliquity_angle"]["value"], f["pelvic_obliquity_angle"]["side"]) == (2.2, "right")
    assert (f["knee_hyperextension"]["left"], f["knee_hyperextension"]["right"]) == (2.0, -3.0)
    assert f["pelvic_tilt_sagittal"]["method"] == "mocap"


def test_range_of_motion_trials(mot: Path) -> None:
    ir = import_motion(mot, trial="hip_ir_prone").findings["hip_ir_prone"]
    assert (ir["left"], ir["right"]) == (24.0, 34.0)
    ext = import_motion(mot, trial="hip_extension").findings["hip_extension_passive"]
    assert (ext["left"], ext["right"]) == (6.0, 9.0)
    reach = import_motion(mot, trial="overhead_reach").findings["overhead_reach_lumbar_extension"]
    assert reach["value"] == 8.0


def test_radians_are_converted_when_the_header_says_so(tmp_path: Path) -> None:
    path = write_mot(tmp_path / "rad.mot", {"hip_rotation_r": [math.radians(30)] * 3,
                                             "hip_rotation_l": [math.radians(20)] * 3}, in_degrees=False)
    ir = import_motion(path, trial="hip_ir_seated").findings["hip_ir_seated"]
    assert (ir["left"], ir["right"]) == (20.0, 30.0)


def test_missing_coordinates_are_warned_and_all_missing_is_an_error(tmp_path: Path) -> None:
    partial = import_motion(write_mot(tmp_path / "p.mot", {"pelvis_tilt": [-5.0, -5.0]}), trial="standing")
    assert set(partial.findings) == {"pelvic_tilt_sagittal"}
    assert any("knee_hyperextension (needs knee_angle_l)" in w for w in partial.warnings)
    with pytest.raises(InputError, match=r"no coordinate this 'hip_ir_prone' trial needs.*hip_rotation_l"):
        import_motion(write_mot(tmp_path / "q.mot", {"pelvis_tilt": [1.0, 2.0]}), trial="hip_ir_prone")


def test_unknown_trial_kind_lists_the_known_ones(mot: Path) -> None:
    with pytest.raises(InputError, match=r"--trial: got 'jumping'; expected one of standing, overhead_reach"):
        import_motion(mot, trial="jumping")
