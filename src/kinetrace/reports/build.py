"""Build the report model from an Assessment: a pure function (no files, no clock, no plotting back end)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from kinetrace.intake.case import Case
from kinetrace.knowledge.schema import ActionLevel, grade_parts
from kinetrace.reports.body import ChainArrow, body_svg
from kinetrace.reports.model import (
    Audience,
    FindingView,
    FlagView,
    LinkView,
    NotTestedView,
    PainView,
    PhotoView,
    PlanView,
    ProgressView,
    RankView,
    ReferenceView,
    ReportModel,
    Tone,
    TriageView,
)
from kinetrace.result import Assessment, FindingResult, PlanItem, RankedItem

__all__ = ["build_report", "format_reading", "grade_words", "unit_suffix"]

_HEADLINES: dict[str, tuple[str, Tone]] = {
    ActionLevel.EMERGENCY_REFERRAL: ("Emergency: seek medical care now", "danger"),
    ActionLevel.URGENT_REFERRAL: ("Urgent referral: see a doctor within days", "danger"),
    ActionLevel.ROUTINE_REFERRAL: ("Referral: see a doctor in the routine way", "warn"),
    ActionLevel.REQUEST_RED_FLAG_SCREEN: ("Safety questions still open: answer them before going on", "warn"),
    ActionLevel.PROCEED_WITH_SAFETY_NETTING: (
        "No red flag found: go ahead, with safety-netting advice",
        "ok",
    ),
    ActionLevel.PROCEED_CONSERVATIVE_PLAN: ("No red flag found: go ahead with the plan", "ok"),
}
_WATCH_HEADLINE = "Go ahead with care: some answers need watching"
_GRADE_WORDS = {
    "A": "strong evidence",
    "B": "moderate evidence",
    "C": "limited evidence",
    "EO": "expert opinion only",
}
_STATE_LABELS = {
    "present": ("present, beyond measurement error", "warn"),
    "probable": ("probable", "warn"),
    "possible": ("possible", "muted"),
    "indeterminate": ("within measurement error", "muted"),
    "absent": ("not found", "ok"),
    "not_tested": ("not tested", "muted"),
}
_KIND_LABELS = {
    "local": "local source",
    "remote": "remote contributor",
    "red_flag": "red-flag condition",
    "modifier": "whole-person factor",
}
_UNIT_SUFFIX = {
    "deg": "°",
    "mm": " mm",
    "cm": " cm",
    "s": " s",
    "mmHg": " mmHg",
    "points": " points",
    "count": "",  # clusters (positive tests) and rates share the unit, so no word is added
    "none": "",
}
_DETAILED: dict[str, int] = {"clinician": 6, "patient": 4}  # ranked items shown in full; the rest in one line
_STATE_ORDER = ["present", "probable", "possible", "indeterminate", "absent", "not_tested"]
EVIDENCE_KEY = [
    ("A", "strong: consistent reviews or guidelines"),
    ("B", "moderate: at least one good trial or consistent human data"),
    ("C", "limited: associations, small or conflicting studies"),
    ("EO", "expert opinion or teaching model, not tested"),
    ("✗", "the best evidence points against the claim"),
]


class _Knowledge(Protocol):
    """What the report reads from the knowledge base (names, regions, references)."""

    @property
    def impairments(self) -> Mapping[str, Any]: ...
    @property
    def regions(self) -> Mapping[str, Any]: ...
    @property
    def references(self) -> Mapping[str, Any]: ...


def grade_words(grade: str) -> str:
    """Plain words for an evidence grade, using the lower part of a split grade ("A/B" → moderate)."""
    lowest, contradicted = grade_parts(grade) if grade else (None, False)
    if contradicted:
        return "evidence against it"
    return _GRADE_WORDS.get(lowest or "", "no grade")


def unit_suffix(unit: str) -> str:
    """How a unit is written after a number ("deg" → "°")."""
    return _UNIT_SUFFIX.get(unit, f" {unit}")


def _num(x: float | str | None, unit: str) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    text = f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{text}{unit_suffix(unit)}"


def format_reading(f: FindingResult) -> str:
    """The measured value(s) of one finding, with units and photo uncertainty ("L 22° · R 38°")."""
    parts = []
    if f.left is not None or f.right is not None:
        parts.append(f"L {_num(f.left, f.unit)} · R {_num(f.right, f.unit)}")
    if f.value is not None:
        parts.append(_num(f.value, f.unit))
    text = " · ".join(parts) or "—"
    if f.uncertainty is not None:
        text += f" (±{_num(f.uncertainty, f.unit)})"
    return text


def build_report(
    assessment: Assessment,
    *,
    audience: Audience,
    generated_on: str,
    kb: _Knowledge | None = None,
    case: Case | None = None,
    photos: Sequence[PhotoView] = (),
    progress: ProgressView | None = None,
) -> ReportModel:
    """Return the report model for one assessment, worded for `audience` ("clinician" or "patient")."""
    names = _Names(kb)
    pain = _pain(assessment, case, names)
    shown = _shown_ranking(assessment)
    detailed = _DETAILED[audience]
    ranking = [_rank(r, names) for r in shown[:detailed]]
    rest = [_rank(r, names) for r in shown[detailed:]] if audience == "clinician" else []
    title = "Clinician report" if audience == "clinician" else "Your back and neck report"
    if progress is not None:
        title = "Reassessment report" if audience == "clinician" else "Your progress report"
    return ReportModel(
        audience=audience,
        title=title,
        case_id=assessment.case_id or (case.id if case else None) or "unnamed case",
        generated_on=generated_on,
        kb_version=assessment.kb_version,
        profile=assessment.profile,
        profile_label=assessment.profile_label,
        triage=_triage(assessment),
        pain=pain,
        body_svg=body_svg(pain=[p.region for p in pain], chains=_chains(shown[:detailed], assessment, names)),
        remote_summary=assessment.remote_summary,
        ranking=ranking,
        ranking_rest=rest,
        links=list({ln.edge_id + ln.cause: ln for item in ranking for ln in item.links}.values()),
        findings=[_finding(f) for f in assessment.findings],
        plan=[_plan(p) for p in assessment.plan],
        not_tested=[
            NotTestedView(name=n.name, reason=n.reason, could_change_top=n.could_change_top)
            for n in assessment.not_tested
        ],
        next_test=(
            f"{assessment.next_test.name}: {assessment.next_test.reason}" if assessment.next_test else ""
        ),
        claims=[
            f"“{c.claim}” — {c.status} ({c.grade}). {c.statement}"
            for c in assessment.claims_you_may_have_heard
        ],
        safety_net=list(assessment.safety_net),
        warnings=list(assessment.warnings),
        photos=list(photos),
        progress=progress,
        references=_references(assessment, kb),
        evidence_key=EVIDENCE_KEY,
    )


class _Names:
    """Human names for ids, from the knowledge base when given, else the id made readable."""

    def __init__(self, kb: _Knowledge | None) -> None:
        self.kb = kb

    def region(self, region_id: str) -> str:
        entry = self.kb.regions.get(region_id) if self.kb is not None else None
        return str(entry.name) if entry is not None else region_id.replace("_", " ").capitalize()

    def node(self, node_id: str) -> str:
        entry = self.kb.impairments.get(node_id) if self.kb is not None else None
        if entry is not None:
            return str(entry.name)
        return self.region(node_id)

    def regions_of(self, node_id: str) -> list[str]:
        """The body regions a node sits in; a region id stands for itself."""
        if self.kb is not None and node_id in self.kb.impairments:
            return list(self.kb.impairments[node_id].regions)
        if self.kb is None or node_id in self.kb.regions:
            return [node_id]
        return []


def _triage(a: Assessment) -> TriageView:
    headline, tone = _HEADLINES.get(a.triage.action, (a.triage.action.replace("_", " "), "warn"))
    if a.triage.flags and tone == "ok":  # weak flags that do not stop the plan still need watching
        headline, tone = _WATCH_HEADLINE, "warn"
    flags = [
        FlagView(
            suspected=f.suspected,
            whom=f.whom,
            how_soon=f.how_soon,
            advice=f.advice,
            reason=f.reason,
            grade=f.grade,
            refs=list(f.refs),
        )
        for f in a.triage.flags
    ]
    return TriageView(
        action=str(a.triage.action),
        headline=headline,
        tone=tone,
        summary=a.triage.summary,
        flags=flags,
        missing_questions=[q.get("text", q.get("id", "")) for q in a.triage.missing_questions],
        plan_suppressed=a.triage.plan_suppressed,
        chain_suppressed=a.triage.chain_suppressed,
    )


def _shown_ranking(a: Assessment) -> list[RankedItem]:
    if a.triage.chain_suppressed:
        return [r for r in a.ranking if r.kind == "red_flag"]
    return list(a.ranking)


def _rank(r: RankedItem, names: _Names) -> RankView:
    links = [
        LinkView(
            edge_id=ln.edge_id,
            cause=names.node(ln.cause),
            effect=names.node(ln.effect),
            mechanism=ln.mechanism,
            mech_grade=ln.mech_grade,
            pain_grade=ln.pain_grade,
            grade=ln.grade,
            grade_words=grade_words(ln.grade),
            refs=list(ln.refs),
        )
        for p in r.paths
        for ln in p.links
    ]
    state_label, _ = _STATE_LABELS.get(r.state, (r.state, "muted"))
    return RankView(
        id=r.id,
        name=r.name,
        kind=r.kind,
        kind_label=_KIND_LABELS.get(r.kind, r.kind),
        probability_pct=None if r.probability is None else round(100 * r.probability),
        state_label=state_label,
        explanation=r.explanation,
        path_texts=_extra_path_texts(r),
        links=links,
        patient_text=_patient_rank_text(r, names),
    )


def _extra_path_texts(r: RankedItem) -> list[str]:
    """Path sentences the explanation does not already carry (it usually names the edges it used)."""
    return [
        p.text
        for p in r.paths
        if p.links and p.text not in r.explanation and not any(ln.edge_id in r.explanation for ln in p.links)
    ]


def _patient_rank_text(r: RankedItem, names: _Names) -> str:
    if r.kind == "local":
        return f"{r.name}: pain that starts where you feel it. This is always checked first."
    if r.kind == "red_flag":
        return f"{r.name}: this needs a doctor to look at it before anything else."
    if r.kind == "modifier":
        return (
            f"{r.name}: how pain, worry and mood affect each other; it changes the plan, not the diagnosis."
        )
    grade = min((p.grade for p in r.paths), key=_grade_rank, default="")
    where = ", ".join(dict.fromkeys(names.region(p.region).lower() for p in r.paths))
    tail = f" to pain in your {where}" if where else ""
    evidence = f" ({grade_words(grade)})" if grade else ""
    return f"{r.name} may contribute{tail}{evidence}. It is a possible factor, not a proven cause."


def _grade_rank(grade: str) -> int:
    lowest, contradicted = grade_parts(grade) if grade else (None, False)
    return -1 if contradicted else {"A": 4, "B": 3, "C": 2, "EO": 1}.get(lowest or "", 0)


def _finding(f: FindingResult) -> FindingView:
    targets = sorted(f.targets, key=lambda t: (t.role != "primary", _STATE_ORDER.index(t.state)))
    top = targets[0] if targets else None
    label, tone = _STATE_LABELS.get(top.state, (top.state, "muted")) if top else ("recorded", "muted")
    status = f"{top.target.replace('_', ' ')}: {label}" if top else label
    errors = []
    if f.uncertainty is not None:
        errors.append(f"photo ±{_num(f.uncertainty, f.unit)}")
    if f.error_gate is not None:
        errors.append(f"error band ±{_num(f.error_gate, f.unit)}")
    method = ", ".join(x for x in (f.method, f.source) if x)
    return FindingView(
        test_id=f.test_id,
        name=f.name,
        reading=format_reading(f),
        method=method,
        error_text="; ".join(errors) or "—",
        status=status,
        tone=tone,
        reason=top.reason if top else "",
        rule=top.rule if top else "",
    )


def _plan(p: PlanItem) -> PlanView:
    layer = "for everyone with this pain" if p.layer == "general" else "for your findings"
    return PlanView(
        name=p.name,
        layer=layer,
        kind=p.kind.replace("_", " "),
        description=p.description,
        dosage=p.dosage or "",
        progression=p.progression,
        grade=p.grade,
        grade_words=grade_words(p.grade),
        because=p.because,
        cautions=p.cautions,
        refs=list(p.refs),
    )


def _pain(a: Assessment, case: Case | None, names: _Names) -> list[PainView]:
    if case is not None and case.pain:
        return [
            PainView(region=p.region, name=names.region(p.region), intensity=p.intensity) for p in case.pain
        ]
    regions = dict.fromkeys(p.region for r in a.ranking for p in r.paths)
    return [PainView(region=r, name=names.region(r), intensity=None) for r in regions]


def _chains(shown: list[RankedItem], a: Assessment, names: _Names) -> list[ChainArrow]:
    """One arrow per pair of regions joined by a link of the shown ranked paths (first link wins the label)."""
    out: dict[tuple[str, str], ChainArrow] = {}
    if a.triage.chain_suppressed:
        return []
    for r in shown:
        for p in r.paths:
            for ln in p.links:
                src = names.regions_of(ln.cause)
                dst = names.regions_of(ln.effect) or [p.region]
                if src and dst and src[0] != dst[0]:
                    out.setdefault((src[0], dst[0]), ChainArrow(src[0], dst[0], ln.grade, ln.edge_id))
    return list(out.values())


def _references(a: Assessment, kb: _Knowledge | None) -> list[ReferenceView]:
    cited: dict[str, None] = {}
    for r in a.ranking:
        for p in r.paths:
            for ln in p.links:
                cited.update(dict.fromkeys(ln.refs))
    for item in a.plan:
        cited.update(dict.fromkeys(item.refs))
    for flag in a.triage.flags:
        cited.update(dict.fromkeys(flag.refs))
    for claim in a.claims_you_may_have_heard:
        cited.update(dict.fromkeys(claim.refs))
    out = []
    for ref in cited:
        entry = kb.references.get(ref) if kb is not None else None
        out.append(ReferenceView(id=ref, citation=str(entry.citation) if entry is not None else ""))
    return sorted(out, key=lambda r: (len(r.id), r.id))
