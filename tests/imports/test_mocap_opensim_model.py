"""Pose2Sim's own OpenSim model, posed in OpenSim: its markers (.trc) and coordinates (.mot) import consistently.

The model and its HALPE_26 marker set come from the Pose2Sim wheel that scripts/setup.d/40-media.sh downloads.
Posing the model checks every sign convention in imports/data/opensim_coordinates.yaml against OpenSim's own
kinematics, and the marker path (posture metrics on the markers) against the coordinate path.
"""

from __future__ import annotations

import math
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from motion_files import write_mot

from kinetrace.imports import import_motion

ROOT = Path(__file__).resolve().parents[2]
SETUP = "Pose2Sim/OpenSim_Setup/"


def _pose2sim_setup(tmp: Path) -> tuple[Path, Path]:
    cache = Path(os.environ.get("KT_CACHE", ROOT / ".cache"))
    wheels = sorted((cache / "media" / "wheels").glob("pose2sim-*.whl"))
    assert wheels, f"the Pose2Sim wheel is missing from {cache}/media/wheels; run scripts/setup.d/40-media.sh"
    with zipfile.ZipFile(wheels[-1]) as zf:
        for name in ("Model_Pose2Sim_simple.osim", "Markers_Halpe26.xml"):
            (tmp / name).write_bytes(zf.read(SETUP + name))
    return tmp / "Model_Pose2Sim_simple.osim", tmp / "Markers_Halpe26.xml"


class _PosedModel:
    """The Pose2Sim model with its markers; `pose(coords_deg)` returns marker positions in metres."""

    def __init__(self, osim_file: Path, markers_file: Path) -> None:
        import opensim as osim

        osim.Logger.setLevelString("error")
        self.osim = osim
        self.model = osim.Model(str(osim_file))
        markers = osim.MarkerSet(str(markers_file))
        for i in range(markers.getSize()):
            self.model.addMarker(markers.get(i).clone())
        self.state = self.model.initSystem()

    def pose(self, coords_deg: dict[str, float]) -> dict[str, np.ndarray]:
        for c in self.model.getCoordinateSet():
            c.setValue(self.state, math.radians(coords_deg.get(c.getName(), 0.0)), False)
        self.model.realizePosition(self.state)
        ms = self.model.getMarkerSet()
        return {ms.get(i).getName(): np.array(ms.get(i).getLocationInGround(self.state).to_numpy())
                for i in range(ms.getSize())}

    def pelvis_point(self, coords_deg: dict[str, float], local: tuple[float, float, float]) -> np.ndarray:
        self.pose(coords_deg)
        body = self.model.getBodySet().get("pelvis")
        return np.array(body.findStationLocationInGround(self.state, self.osim.Vec3(*local)).to_numpy())

    def write_trc(self, path: Path, coords_deg: dict[str, float], *, frames: int = 5) -> Path:
        markers = self.pose(coords_deg)
        names = list(markers)
        table = self.osim.TimeSeriesTableVec3()
        table.setColumnLabels(names)
        for i in range(frames):
            row = self.osim.RowVectorVec3(len(names))
            for j, n in enumerate(names):
                row[j] = self.osim.Vec3(*markers[n])
            table.appendRow(i / 60.0, row)
        table.addTableMetaDataString("DataRate", "60")
        table.addTableMetaDataString("Units", "m")
        self.osim.TRCFileAdapter().write(table, str(path))
        return path


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> _PosedModel:
    return _PosedModel(*_pose2sim_setup(tmp_path_factory.mktemp("p2s")))


def test_sign_conventions_match_the_model(model: _PosedModel) -> None:
    neutral = model.pose({})
    listed = model.pose({"pelvis_list": 5})
    assert listed["RHip"][1] < listed["LHip"][1]  # + list lowers the right side
    front = model.pelvis_point({"pelvis_tilt": -10}, (0.1, 0, 0))
    origin = model.pelvis_point({"pelvis_tilt": -10}, (0, 0, 0))
    assert front[1] < origin[1]  # − tilt drops the front of the pelvis: anterior tilt
    assert model.pose({"knee_angle_r": 30})["RAnkle"][0] < neutral["RAnkle"][0]  # + knee = flexion
    assert model.pose({"hip_rotation_r": 20})["RBigToe"][2] < neutral["RBigToe"][2]  # + = internal (toe in)
    assert model.pose({"hip_rotation_l": 20})["LBigToe"][2] > neutral["LBigToe"][2]
    assert model.pose({"hip_flexion_r": -15})["RKnee"][0] < neutral["RKnee"][0]  # − hip flexion = extension
    assert model.pose({"L5_S1_Flex_Ext": 20})["Neck"][0] < neutral["Neck"][0]  # + = extension (trunk back)


def test_markers_and_coordinates_of_one_pose_agree(model: _PosedModel, tmp_path: Path) -> None:
    pose: dict[str, Any] = {"pelvis_list": 3.0, "pelvis_tilt": -8.0, "knee_angle_r": 4.0, "knee_angle_l": 4.0}
    trc = import_motion(model.write_trc(tmp_path / "pose.trc", pose)).findings
    mot = import_motion(write_mot(tmp_path / "pose.mot", {k: [v] * 4 for k, v in pose.items()})).findings
    assert (mot["pelvic_obliquity_angle"]["value"], mot["pelvic_obliquity_angle"]["side"]) == (3.0, "right")
    assert mot["pelvic_tilt_sagittal"]["value"] == 8.0
    assert mot["knee_hyperextension"] == pytest.approx({**mot["knee_hyperextension"], "left": -4.0, "right": -4.0})
    # The hip-joint line of the markers tilts by the pelvic list itself.
    assert trc["pelvic_obliquity_angle"]["side"] == "right"
    assert trc["pelvic_obliquity_angle"]["value"] == pytest.approx(3.0, abs=0.15)
