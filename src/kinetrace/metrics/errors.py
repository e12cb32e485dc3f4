"""Validated photo-metric errors (`metrics/data/posture_errors.yaml`), written by `python -m validation.posture
--write-errors` and read here. Every ± a photo metric carries comes from this file; a metric it does not list
is "not validated" and carries no ±.

`error` is the root-mean-square total error (detection + camera geometry) of a single photo against
triangulated landmarks, bias and scatter together; `bias`, `sd` and `loa_low`/`loa_high` (95 % limits of
agreement) describe it further; `typical_error`/`sdc95` the frame-to-frame
repeatability and the smallest detectable change (see the file's own `repeatability` note for what they cover).
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ERRORS_SCHEMA", "ValidatedError", "load_errors", "validated_error"]

ERRORS_SCHEMA = "kinetrace.posture_errors/1"


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


@cache
def load_errors() -> dict[str, ValidatedError]:
    """The shipped validated errors, keyed by metric id (empty when the file is missing)."""
    ref = resources.files("kinetrace.metrics").joinpath("data", "posture_errors.yaml")
    if not ref.is_file():
        return {}
    data: dict[str, Any] = yaml.safe_load(ref.read_text("utf-8")) or {}
    return {k: ValidatedError.model_validate(v) for k, v in (data.get("metrics") or {}).items()}


def validated_error(metric_id: str, view: str) -> ValidatedError | None:
    """The validated error of `metric_id` in `view`, or None when it was never validated there."""
    err = load_errors().get(metric_id)
    return err if err is not None and view in err.views else None
