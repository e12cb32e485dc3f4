"""The result of `assess`: triage, findings, ranking with paths, what was not tested, plan.

Every surface (CLI, web, reports, exports, batch) shows these values; none recomputes them. The JSON form is
`Assessment.model_dump(mode="json", by_alias=True)` and is described by `schemas/assessment.schema.json`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kinetrace.values import ActionLevel, ConflictKind, State

__all__ = [
    "ASSESSMENT_SCHEMA",
    "KIND_LABELS",
    "ActivityMapping",
    "Assessment",
    "CaseIdentity",
    "ComplaintEntry",
    "Claim",
    "ConflictResolution",
    "FindingResult",
    "FindingState",
    "Flag",
    "ImpairmentStatus",
    "LinkExplanation",
    "NextTest",
    "NotTested",
    "Path",
    "PlanItem",
    "QuantitativeNote",
    "RankedItem",
    "TargetState",
    "Triage",
    "UncertaintySummary",
]

ASSESSMENT_SCHEMA = "kinetrace.assessment/1"

FindingState = State  # the name the rest of the code has used for the impairment state


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Flag(_Out):
    """A red-flag rule that fired."""

    rule_id: str
    condition_id: str
    suspected: str
    action: ActionLevel
    reason: str = Field(description="which answers or findings made it fire")
    whom: str
    how_soon: str
    advice: str
    refs: list[str]
    grade: str


class Triage(_Out):
    """Safety screen outcome: runs before anything else."""

    action: ActionLevel
    flags: list[Flag] = Field(default_factory=list)
    missing_questions: list[dict[str, str]] = Field(default_factory=list, description="{id, text, clinician_text}")
    follow_up_questions: list[dict[str, str]] = Field(default_factory=list, description="{id, text}")
    summary: str
    plan_suppressed: bool
    chain_suppressed: bool
    pending_medical_review: bool = False


class TargetState(_Out):
    """What one test result says about one impairment."""

    target: str
    role: str
    state: FindingState
    reason: str
    rule: str
    grade: str


class ConflictResolution(_Out):
    """How several entries for one test were reconciled (clinical.md §H.3), as data rather than prose."""

    kind: ConflictKind
    kept: str = Field(description="the method whose entries were kept (its name)")
    dropped: list[str] = Field(default_factory=list, description="names of the methods set aside")
    validity_rank: int | None = Field(None, description="validity rank of the kept method; 1 is the most valid")
    averaged: int = Field(1, ge=1, description="how many entries of the kept method were averaged")

    @property
    def is_conflict(self) -> bool:
        """Return whether entries disagreed in method and some were set aside (not just averaged)."""
        return self.kind in (ConflictKind.RESOLVED_BY_METHOD, ConflictKind.HAND_ENTERED_STANDS)


class FindingResult(_Out):
    """One test's result in this case, normalised."""

    test_id: str
    name: str
    unit: str
    left: float | str | None = None
    right: float | str | None = None
    value: float | str | None = None
    method: str | None = None
    source: str | None = None
    uncertainty: float | None = None
    error_gate: float | None = None
    targets: list[TargetState] = Field(default_factory=list)
    conflict_resolution: str | None = Field(None, description="the reconciliation in words (see `conflict`)")
    conflict: ConflictResolution | None = None
    discarded: list[dict[str, str]] = Field(default_factory=list, description="entries set aside in a conflict")
    evidence: Literal["used", "to_confirm", "needs_review"] = Field(
        "used", description="used: feeds the reasoning; to_confirm: a photo proxy the confirmation rule has not "
        "met yet; needs_review: every entry was flagged by the measurement (kept out of the reasoning)")
    evidence_note: str | None = Field(None, description="why the finding is not used, or how it is capped")
    landmarks_confirmed: bool | None = Field(None, description="photo findings: landmarks reviewed by a clinician")


class ImpairmentStatus(_Out):
    """Combined status of one impairment across its tests (§C conventions)."""

    id: str
    name: str
    kind: str
    state: FindingState
    evidence: list[str] = Field(description="test ids that set it")
    reason: str


class LinkExplanation(_Out):
    """One edge of a path, with its grades and sources."""

    edge_id: str
    cause: str
    effect: str
    mechanism: str
    mech_grade: str
    pain_grade: str
    grade: str = Field(description="the lower of the two, which the text must reflect")
    refs: list[str]
    profile: str


class Path(_Out):
    """A chain from a ranked item to a painful region."""

    region: str
    nodes: list[str]
    links: list[LinkExplanation]
    strength: float
    grade: str
    text: str


KIND_LABELS: dict[str, str] = {
    "local": "local source",
    "remote": "remote contributor",
    "red_flag": "red-flag condition",
    "modifier": "whole-person factor",
}
"""A ranked item's kind in words, for every surface (terminal, reports, web)."""


class RankedItem(_Out):
    """A local source, remote contributor, red-flag condition or modifier, with its probability."""

    id: str
    name: str
    kind: Literal["local", "remote", "red_flag", "modifier"]
    probability: float | None = Field(
        None, ge=0, le=1, description="posterior; null for red-flag conditions, which are screened by rule")
    prior: float | None = None
    state: FindingState = State.NOT_TESTED
    paths: list[Path] = Field(default_factory=list)
    behaviour_matches: list[str] = Field(default_factory=list)
    behaviour_mismatches: list[str] = Field(default_factory=list)
    may_rank_first: bool = True
    explanation: str
    interval: list[float] | None = Field(
        None, description="[low, high] posterior over the plausible ranges of the EO numbers (assess --uncertainty)")


class Claim(_Out):
    """A link the evidence contradicts or does not support: shown, never ranked."""

    id: str
    edges: list[str]
    claim: str
    status: str
    grade: str
    statement: str
    refs: list[str]


class NotTested(_Out):
    """A test not done that bears on the ranking."""

    test_id: str
    name: str
    informs: list[str]
    could_change_top: bool
    reason: str


class NextTest(_Out):
    """The untested test with the highest expected information gain."""

    test_id: str
    name: str
    informs: list[str]
    expected_information_gain_bits: float
    reason: str


class PlanItem(_Out):
    """One plan item, citing the finding and rule that chose it."""

    intervention_id: str
    name: str
    kind: str
    layer: Literal["specific", "general"]
    targets: list[str]
    description: str
    dosage: str | None
    progression: str = ""
    grade: str
    refs: list[str]
    because: str = Field(description="the finding and rule that chose it")
    cautions: str = ""
    profile: str = "literature"


class ActivityMapping(_Out):
    """How a free-text aggravating or easing activity was mapped to the controlled vocabulary."""

    field: str
    text: str
    activity: str | None
    keyword: str | None


class QuantitativeNote(_Out):
    """A modelled quantity used in explanations (§F), always labelled as modelled."""

    id: str
    title: str
    text: str
    values: dict[str, float]
    refs: list[str]


class UncertaintySummary(_Out):
    """How the ranking moves when every design-default (EO) number varies over its plausible range."""

    samples: int
    seed: int
    quantiles: list[float] = Field(description="the quantiles shown as each item's interval")
    source: str = Field(description="where the ranges come from")
    robust: bool = Field(description="the first item stays first in at least the configured share of samples")
    top_share: float = Field(description="share of samples in which the first item stays first")
    top_id: str | None = None
    statement: str


class ComplaintEntry(_Out):
    """One painful region as the patient reported it (the case's pain map), carried into every output."""

    region: str
    side: str
    intensity: int = Field(description="0–10 numeric rating")
    duration_weeks: float
    aggravating: list[str] = Field(default_factory=list)
    easing: list[str] = Field(default_factory=list)
    night_pain: bool | None = None


class CaseIdentity(_Out):
    """Who was assessed, when and by whom, and the complaint: the header of every report and export."""

    assessed_on: str | None = Field(None, description="assessment date, ISO 8601 (YYYY-MM-DD); None in case/1")
    assessed_at: str | None = Field(None, description="assessment time, HH:MM, when given")
    assessor: str | None = None
    clinic: str | None = None
    patient_ref: str | None = Field(None, description="the clinic's opaque patient reference")
    patient_name: str | None = None
    age: int
    sex: str
    birth_date: str | None = Field(None, description="ISO 8601 date of birth, when given")
    complaint: list[ComplaintEntry] = Field(default_factory=list)
    function_instrument: str | None = None
    function_score: float | None = None
    function_higher_is_better: bool = False


class Assessment(_Out):
    """The whole result of one assessment."""

    schema_: str = Field(ASSESSMENT_SCHEMA, alias="schema")
    kb_version: str
    profile: Literal["evidence", "seed"]
    profile_label: str
    case_id: str | None = None
    triage: Triage
    findings: list[FindingResult] = Field(default_factory=list)
    impairments: list[ImpairmentStatus] = Field(default_factory=list)
    ranking: list[RankedItem] = Field(default_factory=list)
    remote_summary: str = ""
    remote_stands_out: bool = Field(False, description="whether a remote contributor stands out (named in the summary)")
    claims_you_may_have_heard: list[Claim] = Field(default_factory=list)
    not_tested: list[NotTested] = Field(default_factory=list)
    next_test: NextTest | None = None
    plan: list[PlanItem] = Field(default_factory=list)
    safety_net: list[str] = Field(default_factory=list)
    activity_mapping: list[ActivityMapping] = Field(default_factory=list)
    quantitative: list[QuantitativeNote] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    uncertainty: UncertaintySummary | None = None


    identity: CaseIdentity | None = Field(None, description="patient, visit and complaint, copied from the case")

    model_config = ConfigDict(frozen=True, populate_by_name=True)
