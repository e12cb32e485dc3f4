"""What the pages show of a finished 3-D capture: method, gates passed with their figures, and its output files.

Read from the capture's `out/summary.json` (written by `capture.outputs`); the gate bounds come from
`capture.gates.GATES`, so the page states the same bounds the pipeline applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kinetrace.storage import MediaRecord

__all__ = ["CaptureDetails", "capture_details"]


@dataclass(frozen=True)
class CaptureDetails:
    """One analysed 3-D capture as the page shows it."""

    media_id: int
    method_label: str
    test_label: str
    frames_text: str
    gates: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def capture_details(uploads: Path, media: MediaRecord) -> CaptureDetails | None:
    """Return the page view of a done capture, or None when it is not one (or its summary is missing)."""
    if media.kind != "capture" or media.status != "done":
        return None
    out = uploads / media.stored_name / "out"
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    from kinetrace.capture.gates import GATES
    from kinetrace.web.captures import CAPTURE_FILES

    cameras = list(summary.get("cameras", []))
    test = str(summary.get("test", media.movement_test or ""))
    gates = [
        f"camera_sees_person: each of {len(cameras)} cameras ({', '.join(cameras)}) found the person in at least "
        f"{GATES['min_person_fraction']:.0%} of frames",
        f"reprojection: median {summary['median_reprojection_px']:g} px (at most "
        f"{GATES['max_median_reprojection_px']:g} px)",
        f"still_for_scaling: stillest 1/6 s at {summary['still_speed_m_s']:g} m/s (at most "
        f"{GATES['max_still_speed_m_s']:g} m/s); model scaled there, IK marker RMS "
        f"{summary['ik_marker_rms_median_m'] * 100:.1f} cm",
        f"movement_is_test: the recording shows {test.replace('_', ' ')}",
    ]
    images = [
        (name, caption)
        for name, caption in (("angles.png", "Joint angles over the trial"), ("stick_figure.png", "3-D stick figure"))
        if (out / name).is_file()
    ]
    return CaptureDetails(
        media_id=media.id,
        method_label=f"3-D capture, {len(cameras)} cameras",
        test_label=test.replace("_", " "),
        frames_text=f"{summary.get('frames')} frames at {summary.get('fps', 0):g} fps",
        gates=gates,
        images=images,
        files=[n for n in CAPTURE_FILES if (out / n).is_file()],
    )
