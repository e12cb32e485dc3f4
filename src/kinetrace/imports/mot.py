"""Read OpenSim coordinate files (`.mot`, `.sto`): a key=value header up to `endheader`, then a table.

`inDegrees=no` means angles are in radians (converted to degrees here); a file that does not say is taken to be
in degrees, as OpenSim's inverse kinematics writes it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kinetrace.errors import InputError
from kinetrace.imports.trial import CoordinateTrial

__all__ = ["read_mot"]


def _split_header(lines: list[str], name: str) -> tuple[dict[str, str], int]:
    meta: dict[str, str] = {}
    for i, line in enumerate(lines):
        if line.strip().lower() == "endheader":
            return meta, i + 1
        key, sep, value = line.partition("=")
        if sep:
            meta[key.strip()] = value.strip()
    raise InputError(name, None, message=f"{name}: no 'endheader' line; not an OpenSim .mot/.sto file.")


def _table(lines: list[str], start: int, name: str) -> tuple[list[str], np.ndarray]:
    body = [ln for ln in lines[start:] if ln.strip()]
    if len(body) < 2:
        raise InputError(name, None, message=f"{name}: no data rows after the column names.")
    columns = body[0].split()
    if columns[0].lower() != "time":
        raise InputError(f"{name}: column 1", columns[0], "'time'")
    rows = []
    for i, line in enumerate(body[1:], start=2):
        cells = line.split()
        if len(cells) != len(columns):
            raise InputError(f"{name}: data row {i - 1}", f"{len(cells)} values",
                             f"{len(columns)} values, one per column")
        try:
            rows.append([float(c) for c in cells])
        except ValueError as exc:
            raise InputError(f"{name}: data row {i - 1}", None,
                             message=f"{name}: data row {i - 1} has a value that is not a number.") from exc
    return columns, np.asarray(rows, dtype=float)


def read_mot(path: Path) -> CoordinateTrial:
    """Return the coordinates of a `.mot`/`.sto` file, with rotational values in degrees.

    Raises:
        InputError: the file is unreadable or malformed (the message names the row or column).
    """
    name = path.name
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(name, None, message=f"{name}: cannot read the file ({exc.strerror}).") from exc
    meta, start = _split_header(lines, name)
    columns, data = _table(lines, start, name)
    in_degrees = meta.get("inDegrees", "yes").strip().lower() != "no"
    values = {c: data[:, i] for i, c in enumerate(columns[1:], start=1)}
    if not in_degrees:
        values = {c: (np.degrees(v) if not _is_translation(c) else v) for c, v in values.items()}
    return CoordinateTrial(time_s=data[:, 0], columns=values, source=name, in_degrees=True, metadata=meta)


def _is_translation(column: str) -> bool:
    return column.endswith(("_tx", "_ty", "_tz"))


