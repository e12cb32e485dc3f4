"""Read `.trc` marker files (OpenSim, OpenCap, Pose2Sim): header, marker names, X/Y/Z per marker per frame.

Layout (tab-separated): line 1 `PathFileType`, line 2 the header keys (DataRate … Units …), line 3 their values,
line 4 `Frame#  Time  name1 (3 columns) name2 …`, line 5 `X1 Y1 Z1 X2 …`, then one row per frame. Empty cells are
marker gaps (kept as NaN).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kinetrace.errors import InputError
from kinetrace.imports.trial import MarkerTrial

__all__ = ["read_trc"]

_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(str(path), None, message=f"{path.name}: cannot read the file ({exc.strerror}).") from exc
    return text.splitlines()


def _header(lines: list[str], name: str) -> dict[str, str]:
    if len(lines) < 6 or not lines[0].startswith("PathFileType"):
        raise InputError(name, None, message=f"{name}: not a TRC file; line 1 should start with 'PathFileType'.")
    keys = lines[1].split("\t")
    values = lines[2].split("\t")
    header = {k.strip(): v.strip() for k, v in zip(keys, values, strict=False)}
    for key in ("DataRate", "Units", "NumMarkers"):
        if key not in header:
            raise InputError(f"{name}: header.{key}", None,
                             message=f"{name}: the header has no {key}; expected DataRate, Units and NumMarkers.")
    return header


def _marker_names(lines: list[str], name: str) -> list[str]:
    cells = lines[3].split("\t")
    if len(cells) < 3 or cells[0].strip() != "Frame#":
        raise InputError(name, None, message=f"{name}: line 4 should start with 'Frame#' and 'Time'.")
    return [c.strip() for c in cells[2:] if c.strip()]


def _rows(lines: list[str], n_markers: int, name: str) -> np.ndarray:
    rows = []
    for i, line in enumerate(lines[5:], start=6):
        if not line.strip():
            continue
        cells = line.split("\t")
        try:
            values = [float(c) if c.strip() else np.nan for c in cells[: 2 + 3 * n_markers]]
        except ValueError as exc:
            raise InputError(f"{name}: line {i}", None,
                             message=f"{name}: line {i} has a value that is not a number ({exc}).") from exc
        values += [np.nan] * (2 + 3 * n_markers - len(values))
        rows.append(values)
    if not rows:
        raise InputError(name, None, message=f"{name}: no frames after the header.")
    return np.asarray(rows, dtype=float)


def read_trc(path: Path) -> MarkerTrial:
    """Return the markers of a `.trc` file in millimetres.

    Raises:
        InputError: the file is unreadable or not a well-formed TRC file (the message names the line or field).
    """
    name = path.name
    lines = _lines(path)
    header = _header(lines, name)
    unit = header["Units"].lower()
    if unit not in _TO_MM:
        raise InputError(f"{name}: header.Units", header["Units"], "mm, cm or m")
    markers = _marker_names(lines, name)
    declared = header["NumMarkers"]
    if not declared.isdigit() or int(declared) != len(markers):
        raise InputError(f"{name}: header.NumMarkers", declared, f"{len(markers)} (the marker names on line 4)")
    data = _rows(lines, len(markers), name)
    try:
        rate = float(header["DataRate"])
    except ValueError as exc:
        raise InputError(f"{name}: header.DataRate", header["DataRate"], "a number of frames per second") from exc
    scale = _TO_MM[unit]
    trajectories = {m: data[:, 2 + 3 * i: 5 + 3 * i] * scale for i, m in enumerate(markers)}
    return MarkerTrial(markers=trajectories, rate_hz=rate, source=name, file_format="trc",
                       axes_note="TRC (OpenSim convention: Y up)", metadata={"units": unit})
