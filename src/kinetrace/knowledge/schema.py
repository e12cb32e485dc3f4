"""Typed models for every kind of knowledge-base entry (one YAML file per kind).

Unknown keys are forbidden everywhere so that a typo in the data is a load error, not a silently ignored field.
Cross-file rules (ids resolve, references exist) live in `integrity.py`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kinetrace.values import GRADE_PATTERN, ActionLevel, Grade, GradeLevel, ReadingState

__all__ = [
    "GRADE_PATTERN",
    "ActionLevel",
    "Activity",
    "AgeNorm",
    "Condition",
    "Edge",
    "EdgeKind",
    "Grades",
    "Impairment",
    "IntegrityException",
    "InformRule",
    "Intervention",
    "Dosage",
    "LocalLink",
    "MeasurementError",
    "Method",
    "ModelParameters",
    "QuantitativeFacts",
    "NodeKind",
    "PlanSizes",
    "Question",
    "RedFlagRule",
    "Reference",
    "Region",
    "SeedArticle",
    "SeedClaim",
    "TestAccuracy",
    "Uncertainty",
    "ClinicalTest",
    "Construct",
    "ValidRange",
    "grade_parts",
]

def grade_parts(grade: str) -> tuple[str | None, bool]:
    """Return (lowest named grade or None, is_contradicted) for a grade string.

    >>> grade_parts("A/B")
    ('B', False)
    >>> grade_parts("EO ✗")
    ('EO', True)
    """
    parsed = Grade(grade)
    weakest = parsed.weakest
    return (weakest.value if weakest is not None else None), parsed.is_contradicted


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Profile = Literal["literature", "seed", "design_default"]


class IntegrityException(_Entry):
    """A deliberate exception to one cross-file rule for one entry, with its reason (exceptions.yaml)."""

    rule: str = Field(description="the rule's name in knowledge/integrity.py RULES")
    id: str = Field(description="the entry the rule does not apply to")
    reason: str = Field(min_length=10, description="why, in words a reviewer can check")


class Reference(_Entry):
    """A citation key (R01…) resolved to its bibliographic text."""

    id: str = Field(pattern=r"^R\d+[a-z]?$|^SEED-00\d$")
    citation: str
    url: str | None = None
    note: str | None = None


class Region(_Entry):
    """A body region of the kinetic chain (clinical.md §A.1)."""

    id: str
    name: str
    role: Literal["mobility", "stability", "none"]
    order: int = Field(ge=0, le=20, description="position along the chain, foot = 0")
    neighbours: list[str] = Field(default_factory=list)
    notes: str
    refs: list[str]
    grade: Grade


class NodeKind(StrEnum):
    """What a reasoning node stands for."""

    REMOTE = "remote"  # chain impairment (§C.1)
    STATE = "state"  # postural or movement state in between (e.g. dynamic knee valgus)
    LOCAL = "local"  # local source in the painful region (§C.2)
    MODIFIER = "modifier"  # whole-person modifier (§C.3)


class LocalLink(_Entry):
    """How a local source explains pain in a region."""

    region: str
    grade: Grade
    refs: list[str]


class Impairment(_Entry):
    """An impairment, state, local source or modifier the system can name (§C)."""

    id: str
    name: str
    kind: NodeKind
    regions: list[str] = Field(min_length=1, description="where it sits")
    seed_aliases: list[str] = Field(default_factory=list)
    criterion: str = Field(description="primary criterion in words")
    supporting: str = ""
    cautions: str = ""
    prior: float = Field(gt=0.0, lt=1.0, description="prior probability in a person seeking care (EO default)")
    prior_source: str = Field(description="where the prior comes from; 'EO default' if a design choice")
    prior_plausible: tuple[Annotated[float, Field(gt=0, lt=1)], Annotated[float, Field(gt=0, lt=1)]] | None = Field(
        None, description="plausible range of this EO prior for --uncertainty; default: uncertainty.prior_factor")
    local_to: list[LocalLink] = Field(default_factory=list, description="regions this local source explains")
    pain_link_grade: Grade = Grade("—")
    refs: list[str]
    grade: Grade
    profile: Profile = "literature"
    observation_only: bool = Field(False, description="recorded but never ranked (e.g. frontal head tilt)")
    patient_note: str = Field(
        "", description="what it means, in plain words for the patient handout (required for modifiers)")
    excluded_by: list[str] = Field(
        default_factory=list,
        description="for a label of exclusion (non-specific pain): the specific local sources it needs ruled out")

    @model_validator(mode="after")
    def _local_sources_name_regions(self) -> Impairment:
        if self.kind == NodeKind.LOCAL and not self.local_to:
            raise ValueError("a local source needs local_to: the regions it explains")
        if self.kind == NodeKind.MODIFIER and not self.patient_note:
            raise ValueError("a modifier needs patient_note: what it means, in plain words for the patient")
        return self


class EdgeKind(StrEnum):
    """Compensation link, referral (local structure refers pain) or non-musculoskeletal referral."""

    COMPENSATION = "compensation"
    REFERRAL = "referral"
    VISCERAL = "visceral"
    PROGNOSTIC = "prognostic"  # modifier → persistence of pain (E29); shown, not a chain link


class Grades(_Entry):
    """The two grades of an edge (§0.1): is the coupling real, does it contribute to pain."""

    mech: Grade
    pain: Grade


class Edge(_Entry):
    """A directed compensation or referral edge (§A.2, E01–E34)."""

    id: str = Field(pattern=r"^[ES]\d\d$", description="E01–E34 from clinical.md §A.2; S01… for seed-only chains")
    name: str
    kind: EdgeKind
    cause: list[str] = Field(min_length=1, description="node ids (impairments, states, modifiers)")
    effect: list[str] = Field(min_length=1, description="node ids, or region ids meaning 'pain in that region'")
    via: list[str] = Field(default_factory=list, description="states the seed or literature says lie between")
    mechanism: str
    behaviour: list[str] = Field(default_factory=list, description="behaviour signature ids that fit this edge")
    seeds: list[str] = Field(default_factory=list, description="seed files asserting the link (000–004)")
    evidence: str = Field(description="what the literature says, in our words")
    grades: Grades
    refs: list[str]
    seed_claims: list[str] = Field(default_factory=list, description="§G claim ids this edge carries")
    profile: Profile = "literature"

    @field_validator("seeds")
    @classmethod
    def _seed_ids(cls, seeds: list[str]) -> list[str]:
        for s in seeds:
            if s not in {"000", "001", "002", "003", "004"}:
                raise ValueError(f"seed {s!r} is not one of 000, 001, 002, 003, 004")
        return seeds


class ValidRange(_Entry):
    """Physiologically possible values: anything outside is an input error, not a finding."""

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> ValidRange:
        if self.min >= self.max:
            raise ValueError(f"valid_range min {self.min} must be below max {self.max}")
        return self


class MeasurementError(_Entry):
    """The error band used to gate 'present' against 'indeterminate' (§F.9)."""

    gate: float = Field(ge=0, description="half-width of the band around a threshold, in the test's unit")
    kind: Literal["mdc", "sem", "clinical_error", "design_default"]
    text: str
    refs: list[str]
    grade: Grade


class AgeNorm(_Entry):
    """A normative value for an age band (e.g. single-leg stance, §B22)."""

    age_min: int = Field(ge=0, le=120)
    age_max: int = Field(ge=0, le=120)
    value: float
    sex: Literal["any", "female", "male"] = "any"


class TestAccuracy(_Entry):
    """Published diagnostic accuracy used as likelihoods in reasoning (§F.8)."""

    sensitivity: float = Field(gt=0, lt=1)
    specificity: float = Field(gt=0, lt=1)
    refs: list[str]
    grade: Grade


class InformRule(_Entry):
    """How a test result sets the state of one impairment (§B 'Informs', §C criteria).

    `when` picks the reading rule: `below`/`above` a threshold (with optional `asymmetry` and a `borderline`
    band counted as 'possible'), `below_age_norm` (value under `fraction` × the age norm), `at_least` for counts,
    `category` for named categories, `yes` for yes/no tests.
    """

    target: str
    role: Literal["primary", "supporting"]
    when: Literal["below", "above", "below_age_norm", "at_least", "category", "yes"]
    threshold: float | None = None
    borderline: float | None = Field(None, description="edge of the 'possible' band beyond the threshold")
    asymmetry: float | None = Field(None, ge=0, description="side-to-side difference that counts as abnormal")
    fraction: float | None = Field(None, gt=0, le=1)
    abnormal: list[str] = Field(default_factory=list, description="categories that count as abnormal")
    normal: list[str] = Field(default_factory=list, description="categories that count as normal")
    accuracy: TestAccuracy | None = None
    rule: str = Field(description="the rule in words, with its source grade")
    refs: list[str]
    grade: Grade
    profile: Profile = "literature"

    @model_validator(mode="after")
    def _fields_for_rule(self) -> InformRule:
        if self.when in {"below", "above", "at_least"} and self.threshold is None:
            raise ValueError(f"when={self.when!r} needs a threshold")
        if self.when == "category" and not self.abnormal:
            raise ValueError("when='category' needs the abnormal categories")
        if self.when == "below_age_norm" and self.fraction is None:
            raise ValueError("when='below_age_norm' needs a fraction (1.0 = below the norm)")
        if self.borderline is not None and self.threshold is not None:
            if self.when == "below" and self.borderline <= self.threshold:
                raise ValueError("for when='below' the borderline must lie above the threshold")
            if self.when == "above" and self.borderline >= self.threshold:
                raise ValueError("for when='above' the borderline must lie below the threshold")
        return self


class Method(_Entry):
    """A way of taking a test, ranked by validity for resolving conflicts (§H.3)."""

    id: str
    name: str
    validity_rank: int = Field(ge=1, le=10, description="1 = most valid")
    gate: float | None = Field(None, ge=0, description="error band of this method, when it differs from the "
                               "test's (same unit as the test)")
    gate_source: str = Field("", description="where the method's gate comes from; 'EO default' if a design choice")
    note: str = ""
    refs: list[str] = Field(default_factory=list)


class Construct(_Entry):
    """The construct a test measures, shared by every test that measures the same thing (issue 10).

    Readings of one construct are reconciled into one likelihood per impairment (the most valid test wins), so
    measuring hip internal rotation prone, seated and supine counts once, not three times.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    validity_rank: int = Field(ge=1, le=10, description="1 = the most valid test of the construct")


class ClinicalTest(_Entry):
    """A clinical test or measurement procedure (§B)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    section: str = Field(pattern=r"^B\d+[a-z]?$|^P\d+$|^V\d+$|^H\d+$",
                         description="clinical.md section, P for photo proxy, H for a history item")
    construct_group: Construct | None = Field(None, alias="construct",
                                              description="what it measures, when other tests measure the same")
    region: str
    protocol: str
    kind: Literal["numeric", "categorical", "count", "yes_no"]
    unit: Literal["deg", "cm", "mm", "s", "mmHg", "points", "count", "none"]
    bilateral: bool
    valid_range: ValidRange | None = None
    categories: list[str] = Field(default_factory=list)
    normal_text: str
    age_norms: list[AgeNorm] = Field(default_factory=list)
    measurement_error: MeasurementError | None = None
    methods: list[Method] = Field(default_factory=list)
    informs: list[InformRule] = Field(default_factory=list)
    photo_feasible: bool = False
    video_feasible: bool = False
    instructions: str = Field("", description="short instructions shown in the wizard")
    caveats: str = ""
    refs: list[str]
    grade: Grade

    @model_validator(mode="after")
    def _method_gates_have_sources(self) -> ClinicalTest:
        for m in self.methods:
            if m.gate is not None and not m.gate_source:
                raise ValueError(f"method {m.id!r}: a gate needs its gate_source")
        return self

    @model_validator(mode="after")
    def _kind_fields(self) -> ClinicalTest:
        if self.kind == "numeric" and self.valid_range is None:
            raise ValueError("a numeric test needs a valid_range")
        if self.kind == "categorical" and not self.categories:
            raise ValueError("a categorical test needs its categories")
        for rule in self.informs:
            for cat in [*rule.abnormal, *rule.normal]:
                if self.kind == "categorical" and cat not in self.categories:
                    raise ValueError(f"informs {rule.target}: category {cat!r} not in {self.categories}")
        return self


class Dosage(_Entry):
    """Exercise dose with progression (ACSM defaults where nothing more specific exists)."""

    text: str
    frequency_per_week: str | None = None
    sets: str | None = None
    reps: str | None = None
    hold_s: str | None = None
    progression: str = ""
    refs: list[str] = Field(default_factory=list)


class Intervention(_Entry):
    """A corrective intervention (§D)."""

    id: str
    name: str
    targets: list[str] = Field(description="impairment ids; empty for the general layer")
    layer: Literal["specific", "general"] = "specific"
    regions: list[str] = Field(default_factory=list, description="for the general layer: painful regions it serves")
    kind: Literal["exercise", "stretch", "manual_therapy", "education", "activity", "device", "psychological",
                  "referral", "self_treatment"]
    description: str
    dosage: Dosage | None = None
    grade: Grade = Field(description="grade for the pain outcome")
    refs: list[str]
    seeds: list[str] = Field(default_factory=list)
    profile: Profile = "literature"
    recommended: bool = Field(True, description="false for 'do not offer' items shown only as caveats")
    not_recommended_reason: str = ""
    cautions: str = ""
    contraindicated_by: list[str] = Field(default_factory=list, description="red-flag condition ids")
    patient_name: str = Field("", description="plain name for the patient when there is no home version")
    patient_summary: str = Field(
        "", description="what it is, in plain words for the patient, when there is no home version (required there)")


class Condition(_Entry):
    """A small boolean expression over answers, age, sex, pain regions and findings.

    Exactly one of the fields is set. `yes`: the question answered yes. `unknown`: answered unknown.
    `age_at_least` / `age_below`: patient age. `sex`. `pain_in`: any pain entry in these regions.
    `finding_at_least`: {test id: count or value}. `any` / `all` / `not_`: combinators.
    `count_at_least`: at least `n` of `of`.
    """

    yes: str | None = None
    unknown: str | None = None
    age_at_least: int | None = None
    age_below: int | None = None
    sex: Literal["female", "male"] | None = None
    pain_in: list[str] | None = None
    duration_weeks_at_least: float | None = None
    finding_at_least: dict[str, float] | None = None
    any: list[Condition] | None = None
    all: list[Condition] | None = None
    not_: Condition | None = Field(None, alias="not")
    count_at_least: CountCondition | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        set_fields = [k for k, v in self.__dict__.items() if v is not None]
        if len(set_fields) != 1:
            raise ValueError(f"a condition needs exactly one key, got {set_fields or 'none'}")
        return self


class CountCondition(_Entry):
    """At least `n` of the listed conditions hold."""

    n: int = Field(ge=1)
    of: list[Condition] = Field(min_length=1)


Condition.model_rebuild()


class Question(_Entry):
    """A red-flag or history question asked at intake."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(description="the question as a patient reads it")
    required_for: list[str] = Field(default_factory=list, description="pain regions for which it must be answered")
    required_always: bool = False
    help: str = ""
    regions: list[str] = Field(
        default_factory=list, description="pain regions a follow-up applies to; empty means any region"
    )
    clinician_text: str = Field(default="", description="the question worded for the clinician's report")

    def applies_to(self, regions: set[str]) -> bool:
        """Whether this question fits a case with pain in `regions` (no listed regions, or no pain map: yes)."""
        return not self.regions or not regions or bool(regions & set(self.regions))


class RedFlagRule(_Entry):
    """A red-flag rule (§E): when its condition holds, its action applies."""

    id: str = Field(pattern=r"^RF-[A-Z]\d+[a-z]?$")
    condition_id: str = Field(description="public red-flag condition id (§E.4.6)")
    suspected: str
    features: str
    when: Condition
    action: ActionLevel
    escalate_when: Condition | None = None
    escalate_to: ActionLevel | None = None
    whom: str = Field(description="whom to see")
    how_soon: str
    advice: str = Field(description="what the person is told, plainly")
    stop_manual_therapy: bool = False
    follow_up_questions: list[str] = Field(default_factory=list, description="question ids to ask next")
    refs: list[str]
    grade: Grade

    @model_validator(mode="after")
    def _escalation_pair(self) -> RedFlagRule:
        if (self.escalate_when is None) != (self.escalate_to is None):
            raise ValueError("escalate_when and escalate_to go together")
        return self


class SeedClaim(_Entry):
    """A seed claim and what the evidence says about it (§G)."""

    id: str = Field(pattern=r"^G\d+$")
    seed: str
    claim: str
    verdict: str
    grade: Grade
    statement: str = Field(description="what Kinetrace says about it")
    edges: list[str] = Field(default_factory=list)
    refs: list[str]
    generate: bool = Field(True, description="false where §G says 'do not generate'")
    recorded_note: str = Field("", description="said before the statement only when the observation is recorded")
    recorded_impairments: list[str] = Field(
        default_factory=list, description="impairment ids whose present/probable state makes recorded_note true")


class SeedArticle(_Entry):
    """One seed article and the knowledge entries that represent it."""

    id: str = Field(pattern=r"^00\d$")
    file: str
    title: str
    summary: str
    chains: list[str] = Field(description="edge ids")
    tests: list[str] = Field(description="test ids")
    remedies: list[str] = Field(description="intervention ids")
    claims: list[str] = Field(description="seed claim ids (§G)")


class Activity(_Entry):
    """A controlled-vocabulary activity for aggravating/easing factors, with keywords for free text."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    behaviour: str | None = Field(None, description="behaviour signature it provides evidence for")
    keywords: list[str] = Field(min_length=1)


class ProxyConfirmation(_Entry):
    """When a photo or video proxy may stand as evidence (clinical.md §C: "seen on two photos")."""

    proxy_methods: list[str] = Field(min_length=1, description="method ids that are photo/video proxies; a "
                                     "hand-entered value of the same test always outranks them")
    photo_methods: list[str] = Field(min_length=1, description="proxy methods the photo rule applies to")
    min_agreeing_photos: int = Field(ge=1, description="photos that must show the value before it is evidence")
    agree_within: Literal["measurement_error"] = Field(
        description="how close the photos' values must be: within the test's measurement-error gate")
    rule: str
    refs: list[str]
    grade: Grade


class ModelParameters(_Entry):
    """Reasoning parameters (§F.10, §H.1); all EO design defaults unless a source is given."""

    grade_weights: dict[GradeLevel, float]
    link_scale: float = Field(gt=0, le=1, description="noisy-OR strength of a grade-A link")
    state_link_scale: float = Field(gt=0, le=1)
    region_leak: float = Field(gt=0, lt=1)
    behaviour_leak: float = Field(gt=0, lt=1)
    behaviour_link: float = Field(gt=0, le=1)
    seed_profile_weight: float = Field(gt=0, le=1)
    default_likelihoods: dict[Literal["primary", "supporting"], dict[
        ReadingState, tuple[Annotated[float, Field(ge=0, le=1)],
                                                         Annotated[float, Field(ge=0, le=1)]]]] = Field(
        description="role → reading → [P(reading | impairment present), P(reading | absent)]")
    status_likelihood_ratio: dict[str, float]
    max_chain_length: int = Field(ge=1, le=6)
    display_threshold: float = Field(gt=0, lt=1)
    remote_stands_out_probability: float = Field(gt=0, lt=1)
    behaviours: dict[str, str] = Field(description="behaviour signature id → meaning")
    local_behaviours: dict[str, list[str]] = Field(
        default_factory=dict, description="local source id → behaviour signatures it commonly produces")
    local_behaviour_link: float = Field(gt=0, le=1)
    radiation: dict[str, list[str]] = Field(
        default_factory=dict, description="pain radiation id → local sources it is evidence for")
    radiation_link: float = Field(gt=0, le=1)
    radiation_leak: float = Field(gt=0, lt=1)
    quantitative: QuantitativeFacts
    proxy_confirmation: ProxyConfirmation | None = Field(
        None, description="rule for photo/video findings; None lets every proxy entry stand as evidence")
    plan_sizes: PlanSizes
    prior_range: ValidRange = Field(description="plausible prior of any impairment in a person seeking care")
    uncertainty: Uncertainty | None = Field(None, description="plausible ranges of the EO numbers (issue 10)")
    refs: list[str]

    @model_validator(mode="after")
    def _likelihood_columns_sum_to_one(self) -> ModelParameters:
        for role, table in self.default_likelihoods.items():
            if ReadingState.INDETERMINATE in table:
                raise ValueError(f"default_likelihoods.{role}: an indeterminate reading carries no likelihood")
            for column in (0, 1):
                total = sum(pair[column] for pair in table.values())
                if abs(total - 1.0) > 1e-9:
                    raise ValueError(f"default_likelihoods.{role}: column {column} sums to {total}, expected 1")
        return self


class Uncertainty(_Entry):
    """Plausible ranges of the EO numbers that feed the network, and how `--uncertainty` samples them."""

    source: str = Field(description="where the ranges come from (EO design default unless a reference is given)")
    samples: int = Field(ge=20, le=5000)
    seed: int
    interval: tuple[Annotated[float, Field(gt=0, lt=0.5)], Annotated[float, Field(gt=0.5, lt=1)]]
    robust_share: float = Field(gt=0.5, le=1)
    prior_factor: float = Field(gt=1, le=10)
    prior_cap: float = Field(gt=0, lt=1)
    ranges: dict[str, tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]]] = Field(
        description="model.yaml number (dotted path) → [low, high]")

    @model_validator(mode="after")
    def _ordered(self) -> Uncertainty:
        for key, (low, high) in self.ranges.items():
            if low > high:
                raise ValueError(f"uncertainty.ranges.{key}: low {low} is above high {high}")
        return self


class PlanSizes(_Entry):
    """How long the targeted part of a plan is (§D): a design choice, kept in data with its source and grade."""

    max_targeted_items: int = Field(ge=1, le=10, description="ranked items that get specific interventions")
    per_target: dict[str, int] = Field(description="profile (evidence, seed) → interventions per item")
    grade: Grade
    source: str = Field(description="where the sizes come from; 'EO design default' if a design choice")

    @field_validator("per_target")
    @classmethod
    def _both_profiles(cls, sizes: dict[str, int]) -> dict[str, int]:
        if set(sizes) != {"evidence", "seed"} or min(sizes.values()) < 1:
            raise ValueError(f"per_target {sizes}: expected a size of at least 1 for exactly evidence and seed")
        return sizes


class QuantitativeFacts(_Entry):
    """Numbers of §F used in explanations (modelled, labelled as such)."""

    hansraj_flexion_deg: list[float]
    hansraj_load_kg: list[float]
    head_weight_n: float
    head_lever_m: float
    hjc_fraction_of_iasis: float = Field(gt=0, lt=1)
    iasis_mm_default: list[float]
    hansraj_grade: Grade = Field(description="evidence grade of Hansraj's modelled loads, shown in the note")
    lld_note_refs: list[str] = Field(description="references cited by the leg-length → pelvic tilt note")
    head_note_refs: list[str] = Field(description="references cited by the head-flexion load note")
    refs: list[str]


Uncertainty.model_rebuild()
ModelParameters.model_rebuild()


class HomeExercise(_Entry):
    """How a patient does one plan item at home (home_exercises.yaml), keyed by intervention id.

    Patient wording only: steps, dose, how it should feel, when to progress or stop. Every entry has `sets` and
    at least one of `reps`, `hold_s` or `minutes`.
    """

    id: str = Field(description="the intervention id this home version belongs to")
    name: str
    why: str
    illustration: str = Field(pattern=r"^[a-z_]+$", description="name of a drawing in reports/illustrations.py")
    steps: list[str] = Field(min_length=1)
    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(None, ge=1, le=50)
    hold_s: int | None = Field(None, ge=1, le=300)
    minutes: int | None = Field(None, ge=1, le=120)
    per_side: bool = False
    days_per_week: int = Field(ge=1, le=7)
    times_per_day: int = Field(1, ge=1, le=12)
    feel: str
    progress: str
    stop: str
    refs: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_a_dose(self) -> HomeExercise:
        if self.reps is None and self.hold_s is None and self.minutes is None:
            raise ValueError("needs a dose: reps, hold_s or minutes besides sets")
        return self


class SafetyNet(_Entry):
    """Region-specific safety-netting advice (safety_netting.yaml): when the patient must get help, and how soon."""

    id: str
    kind: Literal["warning", "review"] = Field("warning", description="review: when to come back for a check")
    regions: list[str] = Field(min_length=1, description="region ids, or `all`")
    warning: str = Field(description="for the patient, plain words")
    clinician: str = Field(description="the same in clinical terms")
    how_soon: str
    refs: list[str] = Field(min_length=1)
