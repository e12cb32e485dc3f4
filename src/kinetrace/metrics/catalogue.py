"""The posture-metric catalogue (`metrics/data/posture_metrics.yaml`) as validated, frozen data.

Each entry says which landmarks a metric uses and what clinical landmark they stand in for, its views, axis,
sign, unit, normal range and measurement error with references, and the knowledge-base test it informs.
`load_catalogue()` reads the shipped file; `parse_catalogue(data)` validates any mapping of the same shape.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kinetrace.errors import KnowledgeError

_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in

__all__ = [
    "CATALOGUE_SCHEMA",
    "Anthropometry",
    "Catalogue",
    "ErrorSpec",
    "GateSpec",
    "LandmarkSpec",
    "MetricSpec",
    "NormalRange",
    "Plausible",
    "Quality",
    "View",
    "ViewDetection",
    "load_catalogue",
    "parse_catalogue",
]

CATALOGUE_SCHEMA = "kinetrace.posture_metrics/1"

View = Literal["front", "back", "left", "right"]
Profile = Literal["literature", "derived", "EO"]
_LANDMARK_STEMS = (
    "nose",
    "eye",
    "ear",
    "shoulder",
    "elbow",
    "wrist",
    "hip",
    "knee",
    "ankle",
    "heel",
    "foot_index",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LandmarkSpec(_Model):
    """A landmark a metric uses (BlazePose name without side) and the clinical landmark it stands in for."""

    landmark: Literal[_LANDMARK_STEMS]  # type: ignore[valid-type]
    stands_for: str
    is_proxy: bool


class NormalRange(_Model):
    """Flagging range: values below `low` or above `high` are outside it; `text` says what is known."""

    low: float | None = None
    high: float | None = None
    text: str
    refs: list[str] = Field(default_factory=list)
    profile: Profile

    @model_validator(mode="after")
    def _ordered(self) -> NormalRange:
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError(f"normal_range: low {self.low} must be below high {self.high}")
        return self


class ErrorSpec(_Model):
    """Published (or derived) measurement error, as one SD-like figure in the metric's unit, or None."""

    value: float | None = Field(None, ge=0)
    unit: str
    basis: str
    refs: list[str] = Field(default_factory=list)
    profile: Profile


class Plausible(_Model):
    """Values a quietly standing person can show; outside it a value is "needs review", not a finding."""

    low: float | None = None
    high: float | None = None
    basis: str


class MetricSpec(_Model):
    """One posture metric."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    test_id: str
    section: str
    informs: list[str]
    views: list[View] = Field(min_length=1)
    kind: Literal["angle", "distance"]
    unit: Literal["deg", "mm"]
    is_proxy: bool
    bilateral: bool = False
    landmarks: list[LandmarkSpec] = Field(min_length=1)
    fallback_landmarks: list[LandmarkSpec] = Field(default_factory=list)
    reference_axis: str
    sign_convention: str
    normal_range: NormalRange | None
    error: ErrorSpec
    plausible: Plausible | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MetricSpec:
        if (self.kind == "angle") != (self.unit == "deg"):
            raise ValueError(f"{self.id}: kind {self.kind!r} does not match unit {self.unit!r}")
        if self.error.unit != self.unit:
            raise ValueError(f"{self.id}.error.unit: got {self.error.unit!r}; expected {self.unit!r}")
        if (
            self.is_proxy
            and "proxy" not in self.name.lower()
            and not any(lm.is_proxy for lm in self.landmarks)
        ):
            raise ValueError(f"{self.id}: is_proxy but no landmark is a proxy")
        return self


class Quality(_Model):
    """Quality gates shared by every metric."""

    min_detection_confidence: float = Field(ge=0, le=1)
    min_visibility: float = Field(ge=0, le=1)
    frame_margin_norm: float = Field(ge=0, le=0.2)
    roll_warning_deg: float = Field(ge=0, le=10)


class ViewDetection(_Model):
    """Thresholds for telling front/back from side views (shoulder width / torso length)."""

    side_max_ratio: float = Field(gt=0, lt=1)
    frontal_min_ratio: float = Field(gt=0, lt=2)
    nose_depth_front_max: float = Field(ge=-1, le=1)
    world_nose_ahead_min_m: float = Field(
        ge=0, le=0.2, description="3-D landmarks: the nose this far (m) ahead of the ear midpoint, towards the camera, "
        "votes front; this far behind votes back; nearer, no vote"
    )

    @model_validator(mode="after")
    def _gap(self) -> ViewDetection:
        if self.side_max_ratio >= self.frontal_min_ratio:
            raise ValueError("view_detection: side_max_ratio must be below frontal_min_ratio")
        return self


class GateSpec(_Model):
    """One capture gate: the bounds its measure must keep, in which views, and what a failure does."""

    min: float | None = None
    max: float | None = None
    unit: str = ""
    action: Literal["refuse", "warn"] = "refuse"
    views: list[View] = Field(default_factory=list)  # empty: every view
    by_view: dict[View, dict[str, float]] = Field(default_factory=dict)  # per-view min/max overrides
    text: str = ""
    basis: str = ""


class Anthropometry(_Model):
    """Segment-height fractions of stature."""

    eye_height_fraction: float = Field(gt=0.8, lt=1.0)
    source: str


class Catalogue(_Model):
    """The whole catalogue; `metric(id)` looks one up."""

    schema_: Literal["kinetrace.posture_metrics/1"] = Field(alias="schema")
    quality: Quality
    view_detection: ViewDetection
    anthropometry: Anthropometry
    capture_gates: dict[str, GateSpec] = Field(default_factory=dict)
    metrics: list[MetricSpec]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        ids = [m.id for m in self.metrics]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"metrics: duplicate id(s) {', '.join(dupes)}")
        return self

    def metric(self, metric_id: str) -> MetricSpec:
        """Return the spec with this id (KeyError if unknown)."""
        for m in self.metrics:
            if m.id == metric_id:
                return m
        raise KeyError(metric_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Metric ids in catalogue order."""
        return tuple(m.id for m in self.metrics)


def parse_catalogue(data: Any, *, source: str = "posture_metrics.yaml") -> Catalogue:
    """Validate a catalogue mapping; every problem is listed in one `KnowledgeError`."""
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{source}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']} (got {err.get('input')!r:.80})"
            for err in exc.errors()
        ]
        raise KnowledgeError(problems) from exc


@cache
def load_catalogue() -> Catalogue:
    """Return the shipped posture-metric catalogue (read once, then cached; it is immutable)."""
    text = resources.files("kinetrace.metrics").joinpath("data", "posture_metrics.yaml").read_text("utf-8")
    return parse_catalogue(yaml.load(text, Loader=_SAFE_LOADER))
