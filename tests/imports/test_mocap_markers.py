"""Marker files (.trc from OpenSim, .c3d from ezc3d) → standing-posture findings with hand-worked values."""

from __future__ import annotations

from pathlib import Path

import pytest
from motion_files import (
    EXPECTED_CVA_DEG,
    EXPECTED_LEFT_KNEE_FLEXION_DEG,
    EXPECTED_OBLIQUITY_DEG,
    write_c3d,
    write_trc,
)

from kinetrace.imports import import_motion
from kinetrace.intake import parse_case


def _check_posture(findings: dict) -> None:
    assert findings["craniovertebral_angle"]["value"] == pytest.approx(EXPECTED_CVA_DEG, abs=0.1)
    assert findings["forward_head_translation"]["value"] == pytest.approx(100.0, abs=0.5)
    assert findings["sagittal_plumb_offset_ear"]["value"] == pytest.approx(120.0, abs=0.5)
    obliquity = findings["pelvic_obliquity_angle"]
    assert (obliquity["value"], obliquity["side"]) == (pytest.approx(EXPECTED_OBLIQUITY_DEG, abs=0.1), "left")
    assert findings["knee_hyperextension"]["left"] == pytest.approx(-EXPECTED_LEFT_KNEE_FLEXION_DEG, abs=0.1)
    assert all(f["method"] == "mocap" for f in findings.values())


def test_trc_written_by_opensim_gives_the_hand_worked_posture(tmp_path: Path, skeleton: dict) -> None:
    result = import_motion(write_trc(tmp_path / "standing.trc", skeleton))
    _check_posture(result.findings)
    assert result.file_format == "trc" and result.n_frames == 12
    assert result.findings["craniovertebral_angle"]["source"] == "mocap:standing.trc"
    assert not any("not quiet standing" in w for w in result.warnings)


def test_trc_in_metres_is_converted_to_millimetres(tmp_path: Path, skeleton: dict) -> None:
    result = import_motion(write_trc(tmp_path / "standing_m.trc", skeleton, units="m"))
    _check_posture(result.findings)


def test_c3d_in_a_z_up_lab_with_plug_in_gait_labels_gives_the_same_posture(tmp_path: Path, skeleton: dict) -> None:
    result = import_motion(write_c3d(tmp_path / "standing.c3d", skeleton))
    _check_posture(result.findings)
    assert result.file_format == "c3d"


def test_imported_findings_are_a_valid_case_block(tmp_path: Path, skeleton: dict) -> None:
    findings = import_motion(write_trc(tmp_path / "standing.trc", skeleton)).findings
    case = parse_case({"schema": "kinetrace.case/1", "patient": {"age": 40}, "findings": findings})
    assert case.finding_list("craniovertebral_angle")[0].method == "mocap"


def test_markers_without_a_lower_body_name_what_is_missing(tmp_path: Path, skeleton: dict) -> None:
    from kinetrace.errors import InputError

    upper = {k: v for k, v in skeleton.items() if not k.endswith(("ankle", "heel", "foot_index", "knee", "hip"))}
    with pytest.raises(InputError, match=r"standing\.trc: cannot find the body axes.*ankle or heel"):
        import_motion(write_trc(tmp_path / "standing.trc", upper))


def test_a_walking_trial_is_refused_as_not_quiet_standing(tmp_path: Path, skeleton: dict) -> None:
    # issue 9: a walking or running trial must not run as "standing" (it used to pass with a warning)
    import math

    import opensim as osim

    from kinetrace.errors import InputError

    names = list(skeleton)
    table = osim.TimeSeriesTableVec3()
    table.setColumnLabels(names)
    for i in range(20):  # the whole body walks 1 m forward
        row = osim.RowVectorVec3(len(names))
        for j, name in enumerate(names):
            x, y, z = skeleton[name]
            row[j] = osim.Vec3(x + 50.0 * i, y + 5 * math.sin(i), z)
        table.appendRow(i / 100.0, row)
    table.addTableMetaDataString("DataRate", "100")
    table.addTableMetaDataString("Units", "mm")
    osim.TRCFileAdapter().write(table, str(tmp_path / "walk.trc"))
    with pytest.raises(InputError, match=r"walk\.trc: not a standing trial: the hips travel 475 mm, expected at most"):
        import_motion(tmp_path / "walk.trc")
