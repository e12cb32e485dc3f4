"""The case format `kinetrace.case/2`: visit, patient, pain map, red-flag answers, history and findings.

Version 2 adds who and when: `assessment` (date, time, assessor, clinic) and the patient's optional `name` and
`birth_date`. Version 1 cases (without those fields) still load unchanged. A case is plain data (YAML or JSON).
Parsing checks shapes and ranges that need no knowledge base; checks that
need it (known test ids, units, value ranges) happen in `intake.validate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kinetrace.values import PainSide, Side

__all__ = [
    "CASE_SCHEMA",
    "CASE_SCHEMAS",
    "Answer",
    "Case",
    "FunctionScore",
    "Visit",
    "FindingInput",
    "History",
    "PainEntry",
    "Patient",
]

CASE_SCHEMA = "kinetrace.case/2"
CASE_SCHEMAS = ("kinetrace.case/1", "kinetrace.case/2")
CaseSchema = Literal["kinetrace.case/1", "kinetrace.case/2"]

Answer = Literal["yes", "no", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Model):
    """Who the case is about; a name is optional (case/2) and never needed for the reasoning."""

    age: int = Field(ge=0, le=120)
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    id: str | None = Field(None, description="an opaque reference, e.g. the clinic's record number")
    activity: str | None = Field(None, description="sport or work, free text")
    name: str | None = Field(None, max_length=200, description="case/2: the patient's name, for reports only")
    birth_date: dt.date | None = Field(None, description="case/2: date of birth (YYYY-MM-DD), for reports and FHIR")


class FunctionScore(_Model):
    """A function outcome measure (case/2), e.g. Oswestry Disability Index or Patient-Specific Functional Scale."""

    instrument: str = Field(max_length=120, description="name of the questionnaire")
    score: float
    low: float = Field(0, description="lowest possible score")
    high: float = Field(100, description="highest possible score")
    higher_is_better: bool = Field(False, description="true for PSFS-like scales, false for ODI/NDI-like ones")

    @model_validator(mode="after")
    def _in_range(self) -> FunctionScore:
        if not self.low <= self.score <= self.high:
            raise ValueError(f"score {self.score:g} is outside {self.low:g}–{self.high:g}")
        return self


class Visit(_Model):
    """When and by whom the case was assessed (case/2); reports and exports show these, never the render date."""

    date: dt.date = Field(description="assessment date, YYYY-MM-DD")
    time: dt.time | None = Field(None, description="assessment time, HH:MM (local clinic time)")
    assessor: str | None = Field(None, max_length=200, description="who examined the patient")
    clinic: str | None = Field(None, max_length=200, description="where")


class PainEntry(_Model):
    """One painful region of the pain map."""

    region: str
    side: PainSide = PainSide.CENTRAL
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
    side: Side | None = None
    unit: str | None = None
    method: str | None = None
    source: str | None = Field(None, description="where it came from, e.g. photo:side.jpg")
    uncertainty: float | None = Field(None, ge=0, description="± in the given unit, e.g. from photo analysis")
    note: str | None = None
    validated: bool | None = Field(None, description="photo/video metrics: False when the measurement method has "
                                   "no validated error (reasoning should treat it as possible at most)")

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

    schema_: CaseSchema = Field("kinetrace.case/1", alias="schema")
    id: str | None = None
    assessment: Visit | None = Field(None, description="case/2: date, time, assessor and clinic of the visit")
    function: FunctionScore | None = Field(None, description="case/2: a function outcome score at this visit")
    patient: Patient
    pain: list[PainEntry] = Field(default_factory=list)
    red_flags: dict[str, Answer] = Field(default_factory=dict)
    history: History = Field(default_factory=History)
    findings: dict[str, FindingInput | list[FindingInput]] = Field(default_factory=dict)
    notes: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _identity_needs_v2(self) -> Case:
        if self.schema_ == "kinetrace.case/1":
            used = [f for f, v in (("assessment", self.assessment), ("patient.name", self.patient.name),
                                   ("patient.birth_date", self.patient.birth_date), ("function", self.function))
                    if v is not None]
            if used:
                raise ValueError(f"{', '.join(used)} need schema: kinetrace.case/2 (the file says kinetrace.case/1)")
        return self

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
