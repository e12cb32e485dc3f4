"""Validated photo-metric errors per pose model (`metrics/data/posture_errors.yaml`), written by
`python -m validation.posture --write-errors --model MODEL` and read here. Every ± a photo metric carries comes
from this file, from the section of the model that produced the landmarks; a metric, view or model it does not
list is "not validated" and carries no ±.

`error` is the root-mean-square total error (detection + camera geometry) of a single photo against
triangulated landmarks, bias and scatter together; `bias`, `sd` and `loa_low`/`loa_high` (95 % limits of
agreement) describe it further; `typical_error`/`sdc95` the frame-to-frame
repeatability and the smallest detectable change (see each model's `repeatability` note for what they cover).
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in

__all__ = ["ERRORS_SCHEMA", "ValidatedError", "error_model", "load_errors", "validated_error", "validated_models"]

ERRORS_SCHEMA = "kinetrace.posture_errors/2"


class ValidatedError(BaseModel):
    """The validated error of one metric in some views."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    views: list[str]
    unit: str  # "deg" or "%stature"
    n: int = Field(ge=1)
    frames: str
    error: float | None = Field(None, ge=0)  # root-mean-square total error: the ± every output prints
    bias: float
    sd: float = Field(ge=0)
    loa_low: float
    loa_high: float
    median_abs: float | None = None
    typical_error: float | None = None
    sdc95: float | None = None

    @model_validator(mode="after")
    def _rms(self) -> ValidatedError:
        if self.error is None:
            object.__setattr__(self, "error", round(math.hypot(self.bias, self.sd), 2))
        return self

    @property
    def total(self) -> float:
        """The root-mean-square total error (the printed ±)."""
        return float(self.error if self.error is not None else math.hypot(self.bias, self.sd))


class _ModelErrors(BaseModel):
    """One pose model's section: how its figures were produced and the figures per metric."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    pose_model: str  # what the back end's describe() starts with, e.g. "mediapipe-pose-landmarker-heavy"
    command: str
    metrics: dict[str, ValidatedError] = Field(default_factory=dict)


@cache
def _sections() -> dict[str, _ModelErrors]:
    ref = resources.files("kinetrace.metrics").joinpath("data", "posture_errors.yaml")
    if not ref.is_file():
        return {}
    data: dict[str, Any] = yaml.load(ref.read_text("utf-8"), Loader=_SAFE_LOADER) or {}
    return {k: _ModelErrors.model_validate(v) for k, v in (data.get("models") or {}).items()}


def validated_models() -> tuple[str, ...]:
    """The pose models (short names, e.g. "heavy") that have validated errors."""
    return tuple(_sections())


def error_model(model: str | None) -> str | None:
    """The errors-file section for `model`: a short name ("heavy") or a back end's `describe()` string
    ("mediapipe-pose-landmarker-heavy/0.10.14"); None when the model has no validated errors."""
    if not model:
        return None
    sections = _sections()
    if model in sections:
        return model
    described = model.split("/", 1)[0]
    return next((k for k, v in sections.items() if v.pose_model == described), None)


def load_errors(model: str | None) -> dict[str, ValidatedError]:
    """The validated errors of `model` (short name or `describe()` string), keyed by metric id; empty when
    that model was never validated."""
    key = error_model(model)
    return dict(_sections()[key].metrics) if key is not None else {}


def validated_error(metric_id: str, view: str, model: str | None) -> ValidatedError | None:
    """The validated error of `metric_id` in `view` for landmarks from `model`, or None when it was never
    validated there (unknown model, metric or view)."""
    key = error_model(model)
    err = _sections()[key].metrics.get(metric_id) if key is not None else None
    return err if err is not None and view in err.views else None
