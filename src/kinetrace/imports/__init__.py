"""Motion-capture imports: `.trc`, `.c3d` (markers) and `.mot`/`.sto` (OpenSim coordinates) → case findings.

`import_motion(path, trial=...)` returns findings keyed by test id in the case format, with `method: mocap`, so
they merge into a case by dict update and `assess` uses them like any other measurement.
"""

from kinetrace.imports.coordinates import coordinate_findings, trial_kinds
from kinetrace.imports.motion import MOTION_SUFFIXES, MotionImport, import_motion
from kinetrace.imports.trial import CoordinateTrial, MarkerTrial

__all__ = [
    "MOTION_SUFFIXES",
    "CoordinateTrial",
    "MarkerTrial",
    "MotionImport",
    "coordinate_findings",
    "import_motion",
    "trial_kinds",
]
