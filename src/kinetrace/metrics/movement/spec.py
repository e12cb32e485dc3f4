"""Movement-test definitions (`metrics/data/movement_tests.yaml`) as validated, frozen models.

Each test lists the camera views it accepts, clip-length limits, event-detection parameters and its metrics;
each metric states the views it can be measured from (and why), its measurement error and the knowledge-base
test id it feeds (whose norms judge it; none are repeated here). No clinical number lives in Python: they are
all in the YAML.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kinetrace.errors import InputError, KnowledgeError

_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: ten times faster

__all__ = [
    "MetricSpec",
    "MovementSpecs",
    "MovementTestSpec",
    "Plausible",
    "ProcessingSpec",
    "View",
    "load_movement_specs",
    "parse_movement_specs",
]


class View(StrEnum):
    """Camera view of a clip: `front` (frontal plane, facing or back to camera) or `side` (sagittal plane)."""

    FRONT = "front"
    SIDE = "side"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcessingSpec(_Model):
    """Signal settings shared by every test."""

    min_visibility: float = Field(ge=0, le=1)
    max_gap_s: float = Field(ge=0, le=2)
    cutoff_hz: float = Field(gt=0, le=30)
    filter_order: int = Field(ge=1, le=8)
    speed_cutoff_hz: float = Field(gt=0, le=30)
    swap_price: float = Field(gt=0, le=2)
    swap_min_order_width: float = Field(gt=0, le=1)
    spike_window_s: float = Field(gt=0, le=1)
    spike_min_jump: float = Field(gt=0, le=5)
    min_detected_share: float = Field(gt=0, le=1)
    off_image_margin: float = Field(ge=0, le=0.5)
    front_view_min_ratio: float = Field(gt=0, le=2)


class Plausible(_Model):
    """The range a measured value must fall in to be reported (else it is not measurable)."""

    min: float
    max: float


class MetricSpec(_Model):
    """One metric of a movement test."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    unit: Literal["deg", "s", "percent", "steps_per_min", "yes_no"]
    views: list[View] = Field(min_length=1)
    view_reason: str
    error: float = Field(ge=0, description="± measurement error in `unit` (for yes/no: of the underlying value)")
    error_basis: str
    feeds: str | None = Field(None, description="knowledge-base test id this metric feeds (docs/contracts.md)")
    threshold: float | None = None
    threshold_basis: str | None = None
    plausible: Plausible | None = None

    @model_validator(mode="after")
    def _yes_no_has_threshold(self) -> MetricSpec:
        if (self.unit == "yes_no") != (self.threshold is not None):
            raise ValueError("yes/no metrics, and only they, need `threshold`")
        return self


class MovementTestSpec(_Model):
    """One movement test: accepted views, clip limits, detection parameters and metrics."""

    name: str
    section: str
    sided: bool
    views: list[View] = Field(min_length=1)
    min_duration_s: float = Field(gt=0)
    max_duration_s: float = Field(gt=0)
    protocol: str
    detection: dict[str, float] = Field(default_factory=dict)
    plot: dict[View, list[list[str]]] = Field(default_factory=dict, description="angle series per panel, per view")
    metrics: list[MetricSpec] = Field(min_length=1)

    def param(self, key: str) -> float:
        """Return a detection parameter, or raise KnowledgeError naming the missing key."""
        if key not in self.detection:
            raise KnowledgeError([f"movement_tests.yaml: {self.name}: detection.{key} is missing"])
        return self.detection[key]


class MovementSpecs(_Model):
    """The whole movement-test file."""

    processing: ProcessingSpec
    tests: dict[str, MovementTestSpec]

    def test(self, test_id: str) -> MovementTestSpec:
        """Return one test's spec, or raise InputError listing the known test names."""
        if test_id not in self.tests:
            raise InputError("test", test_id, "one of " + ", ".join(sorted(self.tests)))
        return self.tests[test_id]


def parse_movement_specs(data: object, *, source: str = "movement_tests.yaml") -> MovementSpecs:
    """Validate parsed YAML into `MovementSpecs`; raise KnowledgeError listing every problem with its path."""
    try:
        return MovementSpecs.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{source}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']} (got {err.get('input')!r})"
            for err in exc.errors()
        ]
        raise KnowledgeError(problems) from exc


@cache
def load_movement_specs() -> MovementSpecs:
    """Load the movement-test definitions shipped with Kinetrace (package data, read once, then cached)."""
    text = resources.files("kinetrace.metrics").joinpath("data/movement_tests.yaml").read_text(encoding="utf-8")
    return parse_movement_specs(yaml.load(text, Loader=_SAFE_LOADER))
