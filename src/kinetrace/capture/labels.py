"""How a 3-D capture finding names its source, written once and read back by the web app and reports.

A finding from `capture.pipeline` carries `method: multi_camera_3d` and a `source` such as
`multi-camera 3-D capture (4 cameras, hip_rotation)`; surfaces show it as "3-D capture, 4 cameras" and name the
capture test. Pure text: no numpy, OpenCV or OpenSim is imported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["METHOD", "CaptureSource", "capture_source", "method_label", "parse_capture_source"]

METHOD = "multi_camera_3d"
_SOURCE = re.compile(r"^multi-camera 3-D capture \((?P<cameras>\d+) cameras, (?P<test>[a-z_]+)\)")


@dataclass(frozen=True)
class CaptureSource:
    """What a 3-D finding's source says: how many cameras, and which capture test (`capture.gates.CAPTURE_TESTS`)."""

    cameras: int
    test: str

    @property
    def method_label(self) -> str:
        """The method as shown to people: "3-D capture, 4 cameras"."""
        return f"3-D capture, {self.cameras} cameras"

    @property
    def test_label(self) -> str:
        """The capture test in words ("hip rotation")."""
        return self.test.replace("_", " ")


def capture_source(cameras: int, test: str) -> str:
    """Return the `source` text of a finding measured by `cameras` cameras in capture test `test`.

    >>> capture_source(4, "hip_rotation")
    'multi-camera 3-D capture (4 cameras, hip_rotation)'
    """
    return f"multi-camera 3-D capture ({cameras} cameras, {test})"


def parse_capture_source(method: str | None, source: str | None) -> CaptureSource | None:
    """Return the cameras and test of a `multi_camera_3d` finding, or None for any other finding.

    >>> parse_capture_source("multi_camera_3d", capture_source(2, "standing")).method_label
    '3-D capture, 2 cameras'
    """
    if method != METHOD or not source:
        return None
    match = _SOURCE.match(source)
    if match is None:
        return None
    return CaptureSource(cameras=int(match["cameras"]), test=match["test"])


def method_label(method: str | None, source: str | None) -> str | None:
    """Return "3-D capture, N cameras" for a 3-D finding, else None (the caller shows its usual method)."""
    parsed = parse_capture_source(method, source)
    return parsed.method_label if parsed else None
