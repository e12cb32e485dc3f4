"""Outcome measures (outcomes.yaml): pain and function scales with their minimal clinically important difference.

The loader reads the file when present; `integrity.py` checks each threshold fits inside its scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kinetrace.values import GRADE_PATTERN

__all__ = ["OutcomeMeasure", "find_outcome", "outcome_problems"]


class OutcomeMeasure(BaseModel):
    """A patient-reported pain or function scale and the smallest change that matters to patients (MCID)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    kind: Literal["pain", "function"]
    names: list[str] = Field(min_length=1, description="instrument names a case may use, any case")
    low: float
    high: float
    higher_is_better: bool
    mcid: float = Field(gt=0, description="minimal clinically important difference, in scale points")
    source: str = Field(min_length=10, description="where the MCID comes from")
    grade: str = Field(pattern=GRADE_PATTERN)


def find_outcome(outcomes: Mapping[str, OutcomeMeasure], *, kind: str, instrument: str | None = None
                 ) -> OutcomeMeasure | None:
    """Return the outcome measure of this kind named `instrument` (or the first of its kind when no name)."""
    wanted = (instrument or "").strip().casefold()
    for measure in outcomes.values():
        if measure.kind != kind:
            continue
        if not wanted or wanted in {n.casefold() for n in measure.names} or wanted == measure.name.casefold():
            return measure
    return None


def outcome_problems(outcomes: Mapping[str, OutcomeMeasure]) -> list[str]:
    """Return problems with outcomes.yaml: a scale whose range is empty or whose MCID does not fit inside it."""
    problems: list[str] = []
    for m in outcomes.values():
        if m.high <= m.low:
            problems.append(f"outcomes.yaml: entry {m.id!r}, field high: got {m.high:g}; expected more than low "
                            f"{m.low:g}")
        elif m.mcid > m.high - m.low:
            problems.append(f"outcomes.yaml: entry {m.id!r}, field mcid: got {m.mcid:g}; expected at most the scale "
                            f"range {m.high - m.low:g}")
    return problems
