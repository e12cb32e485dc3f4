"""Read `.c3d` marker files with `ezc3d`: point labels, positions and the POINT:UNITS parameter."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kinetrace.errors import InputError
from kinetrace.imports.trial import MarkerTrial

__all__ = ["read_c3d"]

_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}


def read_c3d(path: Path) -> MarkerTrial:
    """Return the 3D points of a `.c3d` file in millimetres; residual < 0 marks a gap (kept as NaN).

    Raises:
        InputError: the file cannot be parsed as C3D, or has no 3D points, or an unknown unit.
    """
    import ezc3d

    name = path.name
    if not path.is_file():
        raise InputError(name, None, message=f"{name}: file not found.")
    try:
        c3d = ezc3d.c3d(str(path))
    except (RuntimeError, OSError, ValueError) as exc:
        raise InputError(name, None, message=f"{name}: not a readable C3D file ({exc}).") from exc
    point = c3d["parameters"]["POINT"]
    labels = [str(s).strip() for s in point["LABELS"]["value"]]
    points = np.asarray(c3d["data"]["points"], dtype=float)
    if not labels or points.size == 0:
        raise InputError(name, None, message=f"{name}: the C3D file holds no 3D marker points.")
    declared = point["UNITS"]["value"] if "UNITS" in point else []
    unit = str(declared[0]).strip().lower() if len(declared) else "mm"  # C3D's default unit is mm
    if unit not in _TO_MM:
        raise InputError(f"{name}: POINT:UNITS", unit, "mm, cm or m")
    residuals = np.asarray(c3d["data"]["meta_points"]["residuals"], dtype=float).reshape(points.shape[1:])
    xyz = points[:3].copy()
    xyz[:, residuals < 0] = np.nan
    rate = float(point["RATE"]["value"][0])
    markers = {label: xyz[:, i, :].T * _TO_MM[unit] for i, label in enumerate(labels)}
    return MarkerTrial(markers=markers, rate_hz=rate, source=name, file_format="c3d",
                       axes_note="C3D (lab axes; vertical found from the markers)", metadata={"units": unit})
