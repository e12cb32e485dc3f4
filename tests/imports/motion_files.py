"""Helpers: motion files written by OpenSim's own Python package and by ezc3d, from one hand-built standing skeleton.

The skeleton (OpenSim lab axes: x forward, y up, z right; millimetres) is chosen so the expected metrics can be
worked by hand:
- ear 100 mm ahead of and 120 mm above the shoulder → craniovertebral angle atan(120/100) = 50.19°,
  forward head translation 100 mm, ear 120 mm ahead of the ankle;
- left hip joint 10 mm lower than the right, hips 180 mm apart → pelvic obliquity atan(10/180) = 3.18°, left low;
- knee 10 mm ahead of the hip–ankle line (hip 0/940, knee 10/500, ankle 0/80 on the left) →
  knee flexion atan(10/440) + atan(10/420) = 2.66°, i.e. knee_hyperextension −2.7° on the left.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

Point = tuple[float, float, float]


def standing_skeleton() -> dict[str, Point]:
    """BlazePose-named landmarks of a person standing still (mm, OpenSim axes)."""
    p: dict[str, Point] = {"nose": (220, 1560, 0)}
    for side, z in (("left", -1), ("right", 1)):
        p[f"{side}_ankle"] = (0, 80, z * 100)
        p[f"{side}_heel"] = (-50, 30, z * 100)
        p[f"{side}_foot_index"] = (150, 20, z * 100)
        p[f"{side}_knee"] = (10, 500, z * 100)
        p[f"{side}_hip"] = (0, 940 if side == "left" else 950, z * 90)
        p[f"{side}_shoulder"] = (20, 1450, z * 180)
        p[f"{side}_ear"] = (120, 1570, z * 75)
        p[f"{side}_eye"] = (200, 1590, z * 35)
    return p


EXPECTED_CVA_DEG = math.degrees(math.atan2(120, 100))
EXPECTED_OBLIQUITY_DEG = math.degrees(math.atan2(10, 180))
EXPECTED_LEFT_KNEE_FLEXION_DEG = math.degrees(math.atan2(10, 440) + math.atan2(10, 420))


def write_trc(path: Path, points: dict[str, Point], *, units: str = "mm", frames: int = 12) -> Path:
    """Write a .trc with OpenSim's TRCFileAdapter; a 0.5 mm sway keeps frames distinct."""
    import opensim as osim

    scale = {"mm": 1.0, "m": 0.001}[units]
    names = list(points)
    table = osim.TimeSeriesTableVec3()
    table.setColumnLabels(names)
    for i in range(frames):
        row = osim.RowVectorVec3(len(names))
        for j, name in enumerate(names):
            x, y, z = points[name]
            row[j] = osim.Vec3((x + 0.5 * math.sin(i)) * scale, y * scale, z * scale)
        table.appendRow(i / 100.0, row)
    table.addTableMetaDataString("DataRate", "100")
    table.addTableMetaDataString("Units", units)
    osim.TRCFileAdapter().write(table, str(path))
    return path


_PLUG_IN_GAIT = {"left_shoulder": "LSHO", "right_shoulder": "RSHO", "left_knee": "LKNE", "right_knee": "RKNE",
                 "left_ankle": "LANK", "right_ankle": "RANK", "left_heel": "LHEE", "right_heel": "RHEE",
                 "left_foot_index": "LTOE", "right_foot_index": "RTOE", "left_hip": "LHJC", "right_hip": "RHJC"}


def write_c3d(path: Path, points: dict[str, Point], *, frames: int = 20) -> Path:
    """Write a .c3d with ezc3d: Plug-in Gait labels, a Z-up lab (x forward, y left, z up), head markers for ears."""
    import ezc3d

    pts = {_PLUG_IN_GAIT[k]: v for k, v in points.items() if k in _PLUG_IN_GAIT}
    for side, s in (("left", "L"), ("right", "R")):
        x, y, z = points[f"{side}_ear"]
        pts[f"{s}FHD"], pts[f"{s}BHD"] = (x + 60, y, z), (x - 60, y, z)
    labels = list(pts)
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [100]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = labels
    c3d["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    data = np.ones((4, len(labels), frames))
    for j, label in enumerate(labels):
        x, y, z = pts[label]
        data[0, j, :], data[1, j, :], data[2, j, :] = x, -z, y
    c3d["data"]["points"] = data
    c3d.write(str(path))
    return path


def write_mot(path: Path, columns: dict[str, list[float]], *, in_degrees: bool = True) -> Path:
    """Write a coordinates file with OpenSim's STOFileAdapter (the format inverse kinematics writes)."""
    import opensim as osim

    names = list(columns)
    table = osim.TimeSeriesTable()
    table.setColumnLabels(names)
    for i in range(len(columns[names[0]])):
        table.appendRow(i * 0.01, osim.RowVector([columns[n][i] for n in names]))
    table.addTableMetaDataString("inDegrees", "yes" if in_degrees else "no")
    osim.STOFileAdapter.write(table, str(path))
    return path
