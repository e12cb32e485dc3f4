"""OpenSim coordinates (.mot/.sto) → findings, by the rules in `data/opensim_coordinates.yaml`."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kinetrace.errors import InputError
from kinetrace.imports.trial import CoordinateTrial
from kinetrace.values import opposite_side

__all__ = ["coordinate_findings", "trial_kinds"]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    test_id: str
    coordinate: list[str] | None = Field(None, description="alternative names, first present wins")
    left: list[str] | None = None
    right: list[str] | None = None
    reduce: Literal["mean", "max", "min", "rise"]
    sign: Literal[1, -1]
    low_side_if_positive: Literal["left", "right"] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> _Rule:
        if (self.coordinate is None) == (self.left is None or self.right is None):
            raise ValueError(f"{self.test_id}: give either coordinate, or left and right")
        return self


class _Trial(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    rules: list[_Rule]


@cache
def _trials() -> dict[str, _Trial]:
    import yaml

    text = resources.files("kinetrace.imports").joinpath("data/opensim_coordinates.yaml").read_text("utf-8")
    data = yaml.safe_load(text)["trials"]
    return {k: _Trial.model_validate(v) for k, v in data.items()}


def trial_kinds() -> dict[str, str]:
    """Trial kinds a coordinate file can be read as, with what each means."""
    return {k: t.description for k, t in _trials().items()}


def _reduce(values: np.ndarray, how: str) -> float:
    finite = values[np.isfinite(values)]
    if how == "mean":
        return float(np.mean(finite))
    if how == "max":
        return float(np.max(finite))
    if how == "min":
        return float(np.min(finite))
    return float(np.max(finite) - finite[0])  # rise from the start position


def _value(trial: CoordinateTrial, names: list[str], rule: _Rule) -> float | None:
    column = next((n for n in names if n in trial.columns), None)
    values = trial.columns.get(column) if column is not None else None
    if values is None or not np.isfinite(values).any():
        return None
    return round(rule.sign * _reduce(values, rule.reduce), 1)


def _apply(trial: CoordinateTrial, rule: _Rule) -> tuple[dict[str, Any] | None, str | None]:
    entry: dict[str, Any] = {"unit": "deg", "method": "mocap", "source": f"mocap:{trial.source}"}
    if rule.coordinate is not None:
        value = _value(trial, rule.coordinate, rule)
        if value is None:
            return None, " or ".join(rule.coordinate)
        if rule.low_side_if_positive is not None:
            other = opposite_side(rule.low_side_if_positive)
            entry.update(value=abs(value), side=rule.low_side_if_positive if value > 0 else other)
        else:
            entry["value"] = value
        return entry, None
    left = _value(trial, rule.left or [], rule)
    right = _value(trial, rule.right or [], rule)
    if left is None or right is None:
        return None, " or ".join((rule.left if left is None else rule.right) or [])
    entry.update(left=left, right=right)
    return entry, None


def coordinate_findings(trial: CoordinateTrial, kind: str) -> tuple[dict[str, Any], list[str]]:
    """Return (findings keyed by test id, warnings) for a coordinate trial of the given kind.

    Raises:
        InputError: unknown trial kind, or none of the coordinates the kind needs is in the file.
    """
    trials = _trials()
    if kind not in trials:
        raise InputError("--trial", kind, f"one of {', '.join(trials)}")
    findings: dict[str, Any] = {}
    missing: list[str] = []
    for rule in trials[kind].rules:
        entry, absent = _apply(trial, rule)
        if entry is None:
            missing.append(f"{rule.test_id} (needs {absent})")
        else:
            findings[rule.test_id] = entry
    if not findings:
        wanted = ", ".join(missing)
        raise InputError(trial.source, None, message=(
            f"{trial.source}: no coordinate this '{kind}' trial needs was found: {wanted}. "
            f"Columns present: {', '.join(list(trial.columns)[:12])}."))
    warnings = [f"{trial.source}: not imported: {m}." for m in missing]
    return findings, warnings
