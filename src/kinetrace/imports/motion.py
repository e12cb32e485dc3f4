"""One entry point for motion-capture files: `.trc` / `.c3d` markers and `.mot` / `.sto` coordinates → findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinetrace.errors import InputError

__all__ = ["MOTION_SUFFIXES", "MotionImport", "import_motion"]

MOTION_SUFFIXES = (".trc", ".c3d", ".mot", ".sto")


@dataclass(frozen=True)
class MotionImport:
    """Findings in the case format (`kinetrace.case/1`, keyed by test id) read from one motion file."""

    findings: dict[str, Any]
    source: str
    file_format: str
    trial: str
    n_frames: int
    warnings: list[str] = field(default_factory=list)


def import_motion(path: Path, *, trial: str = "standing") -> MotionImport:
    """Read a motion-capture file and return the findings its markers or coordinates support.

    Marker files (.trc, .c3d) give standing-posture metrics; coordinate files (.mot, .sto) give what the named
    `trial` measures (see `imports.coordinates.trial_kinds()`).

    Raises:
        InputError: unknown file type, unreadable or malformed file, or nothing measurable in it.
    """
    suffix = path.suffix.lower()
    if suffix not in MOTION_SUFFIXES:
        raise InputError(path.name, suffix or "no suffix", "a .trc, .c3d, .mot or .sto motion-capture file")
    if not path.is_file():
        raise InputError(path.name, None, message=f"{path}: file not found.")
    if suffix in {".mot", ".sto"}:
        from kinetrace.imports.coordinates import coordinate_findings
        from kinetrace.imports.mot import read_mot

        coords = read_mot(path)
        findings, warnings = coordinate_findings(coords, trial)
        return MotionImport(findings=findings, source=path.name, file_format=suffix[1:], trial=trial,
                            n_frames=len(coords.time_s), warnings=warnings)
    if trial != "standing":
        raise InputError("--trial", trial, "standing for marker files (.trc, .c3d); range-of-motion trials need "
                         "the .mot from inverse kinematics")
    from kinetrace.imports.markers import posture_from_markers

    if suffix == ".trc":
        from kinetrace.imports.trc import read_trc

        markers = read_trc(path)
    else:
        from kinetrace.imports.c3d import read_c3d

        markers = read_c3d(path)
    findings, warnings = posture_from_markers(markers)
    if not findings:
        raise InputError(path.name, None, message=f"{path.name}: no posture metric could be measured; "
                         + " ".join(warnings))
    return MotionImport(findings=findings, source=path.name, file_format=suffix[1:], trial=trial,
                        n_frames=markers.n_frames, warnings=warnings)
