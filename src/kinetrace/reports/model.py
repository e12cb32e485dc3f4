"""The report model: everything a report shows, already worded, built by a pure function from an Assessment.

Templates only format these fields (a test checks that they use nothing else). Wording follows the clinical
output rules: "may contribute", the evidence grade beside every link and plan item, what was not tested.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Audience",
    "ChangeView",
    "ComplaintView",
    "HomeExerciseView",
    "IdentityView",
    "ScheduleRow",
    "FindingView",
    "FlagView",
    "LinkView",
    "NotTestedView",
    "PainView",
    "PhotoPair",
    "PhotoView",
    "PlanView",
    "ProgressView",
    "RankView",
    "ReferenceView",
    "ReportModel",
    "TriageView",
]

Audience = Literal["clinician", "patient"]
Tone = Literal["danger", "warn", "ok", "muted"]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlagView(_View):
    """A red flag as shown: what is suspected, whom to see and how soon."""

    suspected: str
    whom: str
    how_soon: str
    advice: str
    reason: str
    grade: str
    refs: list[str]


class TriageView(_View):
    """The safety screen, always shown first."""

    action: str
    headline: str
    tone: Tone
    summary: str
    flags: list[FlagView]
    missing_questions: list[str]
    plan_suppressed: bool
    chain_suppressed: bool


class LinkView(_View):
    """One edge of a chain with both grades and its sources."""

    edge_id: str
    cause: str
    effect: str
    mechanism: str
    mech_grade: str
    pain_grade: str
    grade: str
    grade_words: str
    refs: list[str]


class RankView(_View):
    """One ranked source or contributor."""

    id: str
    name: str
    kind: str
    kind_label: str
    probability_pct: int | None = Field(description="None for red-flag conditions, screened by rule")
    interval_pct: list[int] | None = Field(None, description="[low, high] % over the plausible ranges of the "
                                           "design-default numbers, when the result carries it")
    state_label: str
    explanation: str
    path_texts: list[str]
    links: list[LinkView]
    patient_text: str
    stands_out: bool = Field(False, description="a remote contributor the findings single out (drawn as an arrow)")


class FindingView(_View):
    """One measurement with its unit, error and what it was read as."""

    test_id: str
    name: str
    reading: str
    method: str
    error_text: str
    status: str
    tone: Tone
    reason: str
    rule: str


class PlanView(_View):
    """One plan item with dose, grade and why it was chosen."""

    name: str
    layer: str
    kind: str
    description: str
    dosage: str
    progression: str
    grade: str
    grade_words: str
    because: str
    cautions: str
    refs: list[str]


class NotTestedView(_View):
    """A test not done that bears on the ranking."""

    name: str
    reason: str
    could_change_top: bool


class PhotoView(_View):
    """An annotated photo or movement plot, embedded as a data URI."""

    caption: str
    data_uri: str


class PhotoPair(_View):
    """Before and after pictures of the same view."""

    caption: str
    before_uri: str
    after_uri: str


class ChangeView(_View):
    """One test's change between visits against its measurement error."""

    name: str
    before: str
    after: str
    change: str
    error: str
    verdict: str
    verdict_label: str
    tone: Tone


class ProgressView(_View):
    """Reassessment comparison."""

    before_label: str
    after_label: str
    summary: str
    changes: list[ChangeView]
    photo_pairs: list[PhotoPair]
    chart: str = Field("", description="PNG data URI of the change chart, or empty")
    only_before: list[str]
    only_after: list[str]
    outcomes: list[ChangeView] = Field(default_factory=list, description="pain intensity and function, shown first")
    interval: str = Field("", description="time between the visits, e.g. '6 weeks'")


class PainView(_View):
    """A painful region as drawn on the body outline."""

    region: str
    name: str
    intensity: int | None


class ReferenceView(_View):
    """A cited reference."""

    id: str
    citation: str


class ComplaintView(_View):
    """One painful region as reported: where, which side, how bad, how long, what makes it worse or better."""

    where: str = Field(description="region and side in words, e.g. 'Low back, right side'")
    intensity: int = Field(description="0–10")
    duration: str
    aggravating: str
    easing: str


class IdentityView(_View):
    """Who, when, by whom: the header block of every report."""

    patient: str = Field(description="name or reference, e.g. 'Sam Jones (ref demo-01)'")
    age_sex: str = Field(description="e.g. '41 years, male'; the date of birth when known")
    assessed_on: str = Field(description="the assessment date in words, or 'date not recorded'")
    assessor: str
    complaint: list[ComplaintView]


class HomeExerciseView(_View):
    """One home exercise for the patient handout: name, drawing, steps and dose."""

    name: str
    why: str
    svg: str = Field(description="a simple line drawing, inline SVG")
    steps: list[str]
    dose: str = Field(description="sets with reps, hold or minutes, e.g. '3 sets of 10, each side'")
    how_often: str
    feel: str
    progress: str
    stop: str
    days: list[bool] = Field(description="Monday to Sunday: a day to do it in the weekly schedule")


class ScheduleRow(_View):
    """One row of the weekly schedule: an exercise and its days (Monday first)."""

    name: str
    days: list[bool]


class ReportModel(_View):
    """Everything one report shows."""

    audience: Audience
    title: str
    case_id: str
    generated_on: str = Field(description="date the report was made, passed in by the caller")
    kb_version: str
    profile: str
    profile_label: str
    triage: TriageView
    pain: list[PainView]
    body_svg: str = Field(description="the body outline with the chain drawn, as inline SVG")
    remote_summary: str
    uncertainty: str | None = Field(None, description="whether the top holds over the design-default ranges")
    ranking: list[RankView] = Field(description="shown in full")
    ranking_rest: list[RankView] = Field(default_factory=list, description="also considered, shown in one line")
    links: list[LinkView] = Field(default_factory=list, description="every link of the ranked items, once")
    findings: list[FindingView]
    findings_chart_svg: str = Field("", description="inline SVG number lines of the thresholded findings, or empty")
    plan: list[PlanView]
    not_tested: list[NotTestedView]
    next_test: str
    claims: list[str]
    safety_net: list[str]
    warnings: list[str]
    photos: list[PhotoView]
    progress: ProgressView | None = None
    references: list[ReferenceView]
    evidence_key: list[tuple[str, str]]
    identity: IdentityView | None = None
    summary_findings: list[str] = Field(default_factory=list, description="key findings with side and values")
    plain_findings: list[str] = Field(default_factory=list, description="the key findings in the patient's words")
    follow_up_questions: list[str] = Field(default_factory=list)
    safety_net_clinician: list[str] = Field(default_factory=list)
    home_programme: list[HomeExerciseView] = Field(default_factory=list)
    schedule: list[ScheduleRow] = Field(default_factory=list)
    clinic_items: list[str] = Field(default_factory=list, description="plan items done in the clinic, plain words")
    not_tested_more: int = Field(0, description="untested items not listed in full")
    come_back: str = ""
