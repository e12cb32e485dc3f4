"""OpenSim scaling and inverse kinematics with Pose2Sim's BlazePose model files (BSD-3, see data/opensim/NOTICE.md).

The generic model is scaled from the stillest window of the trial (marker-pair distances, then marker placement
on that window), and inverse kinematics runs over the whole trial. Returns coordinates in degrees and the
per-frame marker RMS error.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from kinetrace.vision.native_log import silenced_fd

__all__ = ["IGNORED_MARKERS", "IKResult", "read_mot", "scale_and_solve"]

# Face and finger keypoints are the least reliable (small, often occluded; the model head has no face); they are
# left out of IK, so they do
# not pull the hands and head around, and they are not counted in the marker RMS.
IGNORED_MARKERS: tuple[str, ...] = ("Nose", "LEye", "REye", "RThumb", "RPinky", "RIndex", "LThumb", "LPinky", "LIndex")


@dataclass(frozen=True)
class IKResult:
    """Inverse kinematics of a trial: time (s), coordinates (deg or m) by name, marker RMS per frame (m)."""

    time_s: np.ndarray
    coordinates: dict[str, np.ndarray]
    marker_rms_m: np.ndarray
    scaled_model: Path
    mot: Path


def _data(name: str) -> str:
    return str(resources.files("kinetrace.capture").joinpath("data").joinpath("opensim").joinpath(name))


def read_mot(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Read an OpenSim `.mot`/`.sto` table: time column and the other columns by name."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().lower() == "endheader") + 1
    header = lines[start].split("\t")
    data = np.array([[float(v) for v in line.split("\t")] for line in lines[start + 1:] if line.strip()])
    cols = {h.strip(): data[:, i] for i, h in enumerate(header)}
    return cols.pop("time"), cols


def scale_and_solve(trc: Path, out_dir: Path, *, static_s: tuple[float, float], trial_s: tuple[float, float],
                    mass_kg: float = 70.0, ignore: tuple[str, ...] = IGNORED_MARKERS) -> IKResult:
    """Scale the generic model on the static window of `trc`, then run IK over `trial_s`; files go to `out_dir`."""
    import opensim as osim

    osim.Logger.setLevelString("error")
    osim.Logger.removeFileSink()  # no opensim.log in the user's working folder
    scaled = out_dir / "model_scaled.osim"
    tool = osim.ScaleTool(_data("Scaling_Setup_Pose2Sim_Blazepose.xml"))
    tool.setPathToSubject("")  # every path below is absolute
    tool.setSubjectMass(mass_kg)
    tool.getGenericModelMaker().setModelFileName(_data("Model_Pose2Sim_simple.osim"))
    # the shipped marker set marks every marker `fixed`; free them so marker placement fits this subject
    free = out_dir / "markers_free.xml"
    free.write_text(Path(_data("Markers_BlazePose.xml")).read_text(encoding="utf-8")
                    .replace("<fixed>true</fixed>", "<fixed>false</fixed>"), encoding="utf-8")
    tool.getGenericModelMaker().setMarkerSetFileName(str(free))
    window = osim.ArrayDouble()
    window.append(static_s[0])
    window.append(static_s[1])
    scaler = tool.getModelScaler()
    scaler.setMarkerFileName(str(trc))
    scaler.setTimeRange(window)
    scaler.setPreserveMassDist(True)
    scaler.setOutputModelFileName(str(scaled))
    placer = tool.getMarkerPlacer()
    placer.setApply(True)
    placer.setMarkerFileName(str(trc))
    placer.setTimeRange(window)
    placer.setOutputModelFileName(str(scaled))
    placer.setOutputMotionFileName(str(out_dir / "static_pose.mot"))
    placer.setMaxMarkerMovement(-1.0)
    with silenced_fd(1):
        ok = tool.run()
    if not ok:
        raise RuntimeError("OpenSim scaling failed")

    return _inverse_kinematics(trc, out_dir, scaled, trial_s, ignore)


def _inverse_kinematics(trc: Path, out_dir: Path, scaled: Path, trial_s: tuple[float, float],
                        ignore: tuple[str, ...]) -> IKResult:
    import opensim as osim

    mot = out_dir / "ik.mot"
    ik = osim.InverseKinematicsTool(_data("IK_Setup_Pose2Sim_Blazepose.xml"))
    ik.set_model_file(str(scaled))
    ik.setMarkerDataFileName(str(trc))
    ik.setStartTime(trial_s[0])
    ik.setEndTime(trial_s[1])
    ik.setOutputMotionFileName(str(mot))
    ik.setResultsDir(str(out_dir))
    ik.set_report_errors(True)
    ik.set_report_marker_locations(False)
    tasks = ik.getIKTaskSet()
    for name in ignore:
        if tasks.contains(name):
            tasks.get(name).setApply(False)
    with silenced_fd(1):
        ok = ik.run()
    if not ok:
        raise RuntimeError("OpenSim inverse kinematics failed")
    time_s, coords = read_mot(mot)
    err_file = out_dir / "_ik_marker_errors.sto"
    rms = read_mot(err_file)[1]["marker_error_RMS"] if err_file.is_file() else np.full(len(time_s), np.nan)
    return IKResult(time_s, coords, rms, scaled, mot)
