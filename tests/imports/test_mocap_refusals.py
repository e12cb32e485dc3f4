"""Trials that must be refused before anything is measured (issue 9, item 6), and the OpenSim lab models'
marker names with pelvic obliquity from the ASIS/PSIS markers. Files are written by OpenSim's own adapters."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from motion_files import write_mot, write_trc

from kinetrace.cli.app import main
from kinetrace.errors import InputError
from kinetrace.imports import import_motion

STANDING = {"pelvis_tilt": [-12.0] * 6, "pelvis_list": [2.0] * 6, "knee_angle_r": [3.0] * 6,
            "knee_angle_l": [-2.0] * 6}


def _cut_rows(path: Path, keep: int) -> Path:
    """Drop data rows after the first `keep`, as a copy interrupted mid-write would."""
    lines = path.read_text().splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.lower().startswith(("frame#", "time")))
    first = header + (3 if lines[header].startswith("Frame#") else 1)  # TRC: X/Y/Z line and a blank line
    path.write_text("\n".join(lines[: first + keep]) + "\n")
    return path


def test_a_trc_cut_short_is_refused_naming_the_frame_counts(tmp_path: Path, skeleton: dict) -> None:
    path = _cut_rows(write_trc(tmp_path / "stand.trc", skeleton, frames=12), keep=8)
    with pytest.raises(InputError, match=r"stand\.trc: truncated: 8 frames of the 12 the header declares"):
        import_motion(path)


def test_a_mot_cut_short_is_refused(tmp_path: Path) -> None:
    path = write_mot(tmp_path / "ik.mot", STANDING)
    # the inverse-kinematics tool writes nRows in the header (the table adapter does not)
    path.write_text(path.read_text().replace("endheader", "nRows=6\nnColumns=5\nendheader"))
    path = _cut_rows(path, keep=3)
    with pytest.raises(InputError, match=r"ik\.mot: truncated: 3 frames of the 6 the header declares \(nRows\)"):
        import_motion(path)


def test_markers_missing_in_many_frames_are_refused(tmp_path: Path, skeleton: dict) -> None:
    path = write_trc(tmp_path / "gaps.trc", skeleton, frames=12)
    lines = path.read_text().splitlines()
    names = lines[3].split("\t")
    col = names.index("left_hip")  # first of its three columns (names sit over X)
    for i in range(6, 6 + 4):  # 4 of 12 frames lose the left hip (data rows start on line 7)
        cells = lines[i].split("\t")
        cells[col: col + 3] = ["", "", ""]
        lines[i] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"gaps\.trc: marker left_hip is missing in 33% of frames \(4 of 12\)"):
        import_motion(path)


def test_a_walking_coordinate_trial_is_not_read_as_standing(tmp_path: Path) -> None:
    walk = {**STANDING, "pelvis_tx": [0.0, 0.3, 0.6, 0.9, 1.2, 1.5]}
    with pytest.raises(InputError, match=r"walk\.mot: not a standing trial: pelvis_tx spans 1\.50 m"):
        import_motion(write_mot(tmp_path / "walk.mot", walk))
    swing = {**STANDING, "hip_flexion_r": [0.0, 20, 40, 20, 0, -10]}
    with pytest.raises(InputError, match=r"not a standing trial: hip_flexion_r moves through 50°"):
        import_motion(write_mot(tmp_path / "swing.mot", swing))


def test_a_value_outside_the_tests_valid_range_is_refused(tmp_path: Path) -> None:
    tilted = {**STANDING, "pelvis_list": [40.0] * 6}
    with pytest.raises(InputError, match=r"pelvic_obliquity_angle is 40 deg, outside the test's valid range 0 to 30"):
        import_motion(write_mot(tmp_path / "tilted.mot", tilted))


def test_cli_refusal_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, skeleton: dict,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _cut_rows(write_trc(tmp_path / "stand.trc", skeleton, frames=12), keep=8)
    out = tmp_path / "findings.yaml"
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(path), "--out", str(out)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1 and err.startswith("Error: stand.trc: truncated")
    assert not out.exists() and not list(tmp_path.glob("findings.yaml*"))


def _gait2354_markers(skeleton: dict) -> dict[str, tuple[float, float, float]]:
    """The standing skeleton relabelled with OpenSim lab-model markers (Gait2354 / Hamner), plus ASIS and PSIS:
    the left ASIS and PSIS 12 mm lower than the right, 240 mm apart → obliquity atan(12/240) = 2.86°, left low."""
    label = {"shoulder": "Shoulder", "knee": "Knee.Lat", "ankle": "Ankle.Lat", "heel": "Heel", "foot_index": "Toe.Tip",
             "ear": "Ear"}
    out = {}
    for name, xyz in skeleton.items():
        side, _, part = name.partition("_")
        if part in label:
            out[f"{side[0].upper()}.{label[part]}"] = xyz
    for side, z, y in (("L", -1, 1000.0), ("R", 1, 1012.0)):
        out[f"{side}.ASIS"] = (120.0, y, z * 120.0)
        out[f"{side}.PSIS"] = (-60.0, y, z * 120.0)  # same height: level ASIS–PSIS line
    return out


def test_opensim_lab_marker_names_are_recognised_and_obliquity_comes_from_asis_psis(tmp_path: Path,
                                                                                      skeleton: dict) -> None:
    result = import_motion(write_trc(tmp_path / "gait2354.trc", _gait2354_markers(skeleton)))
    obliquity = result.findings["pelvic_obliquity_angle"]
    assert obliquity["side"] == "left" and obliquity["note"] == "from the ASIS and PSIS markers"
    assert obliquity["value"] == pytest.approx(math.degrees(math.atan2(12, 240)), abs=0.05)
    assert "knee_hyperextension" in result.findings  # hips from ASIS–PSIS, knees and ankles from lateral markers


def test_import_warnings_are_written_with_the_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    out = tmp_path / "findings.yaml"
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(write_mot(tmp_path / "ik.mot", {"pelvis_list": [2.0] * 6})), "--out", str(out)])
    assert exit_info.value.code in (0, None)
    written = yaml.safe_load(out.read_text())
    assert "pelvic_obliquity_angle" in written["findings"]
    assert "ik.mot: not imported: pelvic_tilt_sagittal" in written["notes"]  # no pelvis_tilt in this trial


def _treadmill_walk(path: Path, skeleton: dict, *, frames: int = 60) -> Path:
    """A treadmill stride: the hips stay in place while each foot swings ±300 mm fore and aft (the pattern of
    OpenSim's own Gait2354 walk1 and Hamner running trials, whose pelvis travels only 5–8 cm in the lab)."""
    import opensim as osim

    names = list(skeleton)
    table = osim.TimeSeriesTableVec3()
    table.setColumnLabels(names)
    for i in range(frames):
        row = osim.RowVectorVec3(len(names))
        phase = 2 * math.pi * i / 30
        for j, name in enumerate(names):
            x, y, z = skeleton[name]
            if name.endswith(("_ankle", "_heel", "_foot_index")):
                x += 300 * math.sin(phase + (math.pi if name.startswith("left") else 0.0))
            row[j] = osim.Vec3(x, y, z)
        table.appendRow(i / 60.0, row)
    table.addTableMetaDataString("DataRate", "60")
    table.addTableMetaDataString("Units", "mm")
    osim.TRCFileAdapter().write(table, str(path))
    return path


def test_a_treadmill_walk_is_not_read_as_standing(tmp_path: Path, skeleton: dict,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _treadmill_walk(tmp_path / "treadmill.trc", skeleton)
    with pytest.raises(InputError, match=r"treadmill\.trc: not a standing trial: a foot moves 29\d mm relative to "
                                         r"the pelvis, expected at most 100 mm"):
        import_motion(path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(path), "--out", str(tmp_path / "out.yaml")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1 and "not a standing trial" in err
    assert not (tmp_path / "out.yaml").exists()
