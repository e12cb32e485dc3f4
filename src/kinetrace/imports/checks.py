"""Data checks on motion-capture trials before any metric is taken (bounds in `data/trial_checks.yaml`).

Each check raises `InputError` with one line naming the file, the check, the value and what was expected:
a trial cut short (fewer frames than its header declares), frames missing data, motion in a "standing" trial
(a walking or running trial named standing), and imported values outside the test's valid range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from kinetrace.errors import InputError
from kinetrace.imports.trial import CoordinateTrial

__all__ = ["TrialChecks", "check_frame_count", "check_missing", "check_standing_coordinates",
           "check_standing_feet", "check_standing_travel", "check_valid_ranges", "trial_checks"]

_PELVIS_TRANSLATIONS = ("pelvis_tx", "pelvis_ty", "pelvis_tz")


class _Standing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_hip_travel_mm: float = Field(gt=0)
    max_foot_travel_mm: float = Field(gt=0)
    max_pelvis_travel_m: float = Field(gt=0)
    max_angle_range_deg: float = Field(gt=0)


class TrialChecks(BaseModel):
    """Bounds of the trial checks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standing: _Standing
    max_missing_share: float = Field(ge=0, lt=1)


@cache
def trial_checks() -> TrialChecks:
    """The shipped bounds (`imports/data/trial_checks.yaml`)."""
    import yaml

    text = resources.files("kinetrace.imports").joinpath("data/trial_checks.yaml").read_text("utf-8")
    return TrialChecks.model_validate(yaml.safe_load(text))


def check_frame_count(name: str, declared: str | None, found: int, key: str) -> None:
    """Refuse a file with fewer frames than its header's `key` (NumFrames, nRows) declares."""
    if declared is None or not declared.strip().isdigit():
        return
    if found < int(declared):
        raise InputError(f"{name}: header.{key}", declared, message=(
            f"{name}: truncated: {found} frames of the {declared} the header declares ({key}); "
            "export the whole trial again."))


def check_missing(name: str, series: Mapping[str, np.ndarray], *, what: str = "marker") -> None:
    """Refuse when any used series is missing (NaN) in more than the allowed share of frames."""
    limit = trial_checks().max_missing_share
    for label, values in series.items():
        rows = values if values.ndim == 1 else values.reshape(len(values), -1)
        gone = ~np.isfinite(rows) if rows.ndim == 1 else ~np.isfinite(rows).all(axis=1)
        share = float(gone.mean()) if len(gone) else 1.0
        if share > limit:
            raise InputError(f"{name}: {label}", None, message=(
                f"{name}: {what} {label} is missing in {share:.0%} of frames ({int(gone.sum())} of {len(gone)}); "
                f"expected at most {limit:.0%} (fill the gaps in the capture software first)."))


def check_standing_travel(name: str, travel_mm: float | None) -> None:
    """Refuse a "standing" marker trial whose hip midpoint travels too far (a walk, a run, a step)."""
    bound = trial_checks().standing.max_hip_travel_mm
    if travel_mm is not None and travel_mm > bound:
        raise InputError(f"{name}: --trial", "standing", message=(
            f"{name}: not a standing trial: the hips travel {travel_mm:.0f} mm, expected at most {bound:g} mm "
            "for quiet standing (a walking or running trial cannot be read as standing posture)."))


def check_standing_feet(name: str, travel_mm: float | None) -> None:
    """Refuse a "standing" marker trial whose feet move relative to the pelvis (treadmill walking or running keeps
    the hips in place, so hip travel alone misses it)."""
    bound = trial_checks().standing.max_foot_travel_mm
    if travel_mm is not None and travel_mm > bound:
        raise InputError(f"{name}: --trial", "standing", message=(
            f"{name}: not a standing trial: a foot moves {travel_mm:.0f} mm relative to the pelvis, expected at most "
            f"{bound:g} mm for quiet standing (a walking or running trial, on a treadmill too, cannot be read as "
            "standing posture)."))


def check_standing_coordinates(trial: CoordinateTrial) -> None:
    """Refuse a "standing" coordinate trial whose pelvis travels or whose joints move beyond the bounds."""
    bounds = trial_checks().standing
    for column in _PELVIS_TRANSLATIONS:
        values = trial.columns.get(column)
        if values is not None and np.isfinite(values).any():
            span = float(np.nanmax(values) - np.nanmin(values))
            if span > bounds.max_pelvis_travel_m:
                raise InputError(f"{trial.source}: --trial", "standing", message=(
                    f"{trial.source}: not a standing trial: {column} spans {span:.2f} m, expected at most "
                    f"{bounds.max_pelvis_travel_m:g} m for quiet standing (a walking or running trial?)."))
    for column, values in trial.columns.items():
        if column in _PELVIS_TRANSLATIONS or column.endswith(("_tx", "_ty", "_tz")) or not np.isfinite(values).any():
            continue
        span = float(np.nanmax(values) - np.nanmin(values))
        if span > bounds.max_angle_range_deg:
            raise InputError(f"{trial.source}: --trial", "standing", message=(
                f"{trial.source}: not a standing trial: {column} moves through {span:.0f}°, expected at most "
                f"{bounds.max_angle_range_deg:g}° for quiet standing (a walking or running trial?)."))


def check_valid_ranges(name: str, findings: Mapping[str, Mapping[str, Any]],
                       valid: Mapping[str, tuple[float | None, float | None]]) -> None:
    """Refuse imported values outside their test's valid range (`valid`: test id → (min, max))."""
    for test_id, entry in findings.items():
        low, high = valid.get(test_id, (None, None))
        for key in _numbers(entry):
            value = float(entry[key])
            if (low is not None and value < low) or (high is not None and value > high):
                where = "" if key == "value" else f".{key}"
                raise InputError(f"{name}: {test_id}{where}", value, message=(
                    f"{name}: {test_id}{where} is {value:g} {entry.get('unit', '')}, outside the test's valid range "
                    f"{_bound(low)} to {_bound(high)}; check the model's sign conventions and the trial kind."))


def _numbers(entry: Mapping[str, Any]) -> Iterable[str]:
    return [k for k in ("value", "left", "right") if isinstance(entry.get(k), int | float)]


def _bound(x: float | None) -> str:
    return "…" if x is None else f"{x:g}"
