"""What the motion-capture readers return: marker trajectories or model coordinates, in plain arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["CoordinateTrial", "MarkerTrial"]


@dataclass(frozen=True)
class MarkerTrial:
    """3D marker trajectories in millimetres: `markers[name]` is an (n_frames, 3) array; NaN = marker gap."""

    markers: dict[str, np.ndarray]
    rate_hz: float
    source: str
    file_format: str
    axes_note: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def n_frames(self) -> int:
        """Number of frames in the trial."""
        return next((len(v) for v in self.markers.values()), 0)


@dataclass(frozen=True)
class CoordinateTrial:
    """Model coordinates over time (an OpenSim .mot/.sto): angles in degrees, translations in metres."""

    time_s: np.ndarray
    columns: dict[str, np.ndarray]
    source: str
    in_degrees: bool = True
    metadata: dict[str, str] = field(default_factory=dict)
