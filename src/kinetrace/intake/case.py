"""The case format `kinetrace.case/1`: patient, pain map, red-flag answers, history and findings.

A case is plain data (YAML or JSON). Parsing checks shapes and ranges that need no knowledge base; checks that
need it (known test ids, units, value ranges) happen in `intake.validate`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CASE_SCHEMA",
    "Answer",
    "Case",
    "FindingInput",
    "History",
    "PainEntry",
    "Patient",
]

CASE_SCHEMA = "kinetrace.case/1"

Answer = Literal["yes", "no", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Model):
    """Who the case is about; no names are needed."""

    age: int = Field(ge=0, le=120)
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    id: str | None = Field(None, description="an opaque reference, never a name")
    activity: str | None = Field(None, description="sport or work, free text")


class PainEntry(_Model):
    """One painful region of the pain map."""

    region: str
    side: Literal["left", "right", "bilateral", "central", "none"] = "central"
    intensity: int = Field(ge=0, le=10, description="0–10 numeric rating")
    duration_weeks: float = Field(ge=0, le=5200)
    aggravating: list[str] = Field(default_factory=list)
    easing: list[str] = Field(default_factory=list)
    radiation: list[Literal["below_knee", "thigh", "groin", "buttock", "arm", "head", "chest"]] = Field(
        default_factory=list)
    night_pain: bool | None = None
    notes: str | None = None


class History(_Model):
    """History items that change the pathway (trauma, sport, previous sprains, surgery)."""

    ankle_sprains: int | None = Field(None, ge=0, le=100)
    rotation_sport: bool | None = None
    sedentary_hours_per_day: float | None = Field(None, ge=0, le=24)
    previous_episodes: int | None = Field(None, ge=0, le=1000)
    surgery: str | None = None
    notes: str | None = None


def _coerce_answer(value: Any) -> Any:
    # YAML 1.1 reads bare no/yes as booleans; accept those and common spellings.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "unknown"
    if isinstance(value, str):
        low = value.strip().lower()
        return {"y": "yes", "true": "yes", "n": "no", "false": "no", "unsure": "unknown",
                "don't know": "unknown", "dont know": "unknown", "?": "unknown"}.get(low, low)
    return value


class FindingInput(_Model):
    """One test result as entered: bilateral `left`/`right`, a single `value` (with `side` where it matters),
    a named `category`, a cluster `count`, or `answer` for a yes/no test."""

    left: float | str | None = None
    right: float | str | None = None
    value: float | None = None
    category: str | None = None
    count: int | None = Field(None, ge=0, le=100)
    answer: Answer | None = None
    side: Literal["left", "right", "both", "none"] | None = None
    unit: str | None = None
    method: str | None = None
    source: str | None = Field(None, description="where it came from, e.g. photo:side.jpg")
    uncertainty: float | None = Field(None, ge=0, description="± in the given unit, e.g. from photo analysis")
    note: str | None = None

    @field_validator("answer", mode="before")
    @classmethod
    def _answer(cls, v: Any) -> Any:
        return None if v is None else _coerce_answer(v)

    @model_validator(mode="after")
    def _has_a_result(self) -> FindingInput:
        given = [k for k in ("left", "right", "value", "category", "count", "answer") if getattr(self, k) is not None]
        if not given:
            raise ValueError("needs a result: left/right, value, category, count or answer")
        return self


class Case(_Model):
    """A whole case: the input of `assess`."""

    schema_: Literal["kinetrace.case/1"] = Field("kinetrace.case/1", alias="schema")
    id: str | None = None
    patient: Patient
    pain: list[PainEntry] = Field(default_factory=list)
    red_flags: dict[str, Answer] = Field(default_factory=dict)
    history: History = Field(default_factory=History)
    findings: dict[str, FindingInput | list[FindingInput]] = Field(default_factory=dict)
    notes: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("red_flags", mode="before")
    @classmethod
    def _answers(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: _coerce_answer(a) for k, a in v.items()}
        return v

    def finding_list(self, test_id: str) -> list[FindingInput]:
        """Return the entries for one test as a list (a test may be measured by several methods)."""
        raw = self.findings.get(test_id)
        if raw is None:
            return []
        return list(raw) if isinstance(raw, list) else [raw]
