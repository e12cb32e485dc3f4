"""Build the report model from an Assessment: a pure function (no files, no clock, no plotting back end)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from kinetrace.capture.labels import parse_capture_source
from kinetrace.intake.case import Case
from kinetrace.knowledge.schema import ActionLevel
from kinetrace.reports.body import ChainArrow, PainMark, body_svg
from kinetrace.reports.home import home_programme, schedule
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
from kinetrace.reports.people import identity_view, plain_region
from kinetrace.reports.wording import humanise_model, without_case_file_hints
from kinetrace.result import KIND_LABELS, Assessment, FindingResult, PlanItem, RankedItem
from kinetrace.safety.netting import review_advice, safety_net_entries
from kinetrace.values import CONTRADICTED_MARK, Grade, GradeLevel, State

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
    GradeLevel.A: "strong evidence",
    GradeLevel.B: "moderate evidence",
    GradeLevel.C: "limited evidence",
    GradeLevel.EO: "expert opinion only",
}
_STATE_LABELS = {
    "present": ("present, beyond measurement error", "warn"),
    "probable": ("probable", "warn"),
    "possible": ("possible", "muted"),
    "indeterminate": ("within measurement error", "muted"),
    "absent": ("not found", "ok"),
    "not_tested": ("not tested", "muted"),
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
_NOT_TESTED_SHOWN = 8  # untested tests listed in full; the rest are counted ("and N more not tested")
_STANDS_OUT = {"present", "probable"}  # remote contributors drawn as arrows: those the findings single out
_STATE_ORDER = ["present", "probable", "possible", "indeterminate", "absent", "not_tested"]
EVIDENCE_KEY = [
    (GradeLevel.A.value, "strong: consistent reviews or guidelines"),
    (GradeLevel.B.value, "moderate: at least one good trial or consistent human data"),
    (GradeLevel.C.value, "limited: associations, small or conflicting studies"),
    (GradeLevel.EO.value, "expert opinion or teaching model, not tested"),
    (CONTRADICTED_MARK, "the best evidence points against the claim"),
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
    parsed = Grade(grade) if grade else None
    if parsed is not None and parsed.is_contradicted:
        return "evidence against it"
    lowest = parsed.weakest if parsed is not None else None
    return _GRADE_WORDS[lowest] if lowest is not None else "no grade"


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
    a = assessment
    pain = _pain(a, case, names)
    shown = _shown_ranking(a)
    detailed = _DETAILED[audience]
    cited = _references(a, kb)
    numbers = {ref.id: str(i) for i, ref in enumerate(cited, 1)}
    refs = [ref.model_copy(update={"id": numbers[ref.id]}) for ref in cited]  # numbered citations, in order
    # The patient sees the local sources and only the remote contributors the findings single out.
    listed = shown if audience == "clinician" else [r for r in shown if _patient_sees(r, kb)]
    ranking = [_rank(r, names, numbers) for r in listed[:detailed]]
    rest = [_rank(r, names, numbers) for r in shown[detailed:]] if audience == "clinician" else []
    title = "Clinician report" if audience == "clinician" else "Your back and neck report"
    if progress is not None:
        title = "Reassessment report" if audience == "clinician" else "Your progress report"
    ident = a.identity
    regions = [p.region for p in ident.complaint] if ident else [p.region for p in pain]
    nets = list(getattr(kb, "safety_netting", {}).values()) if kb is not None else []
    programme = home_programme(a.plan, getattr(kb, "home_exercises", {}) if kb is not None else {})
    review = review_advice(nets)
    not_tested = _not_tested(a)
    case_ref = a.case_id or (case.id if case else None) or "unnamed case"
    model = ReportModel(
        audience=audience,
        title=title,
        case_id=case_ref,
        generated_on=generated_on,
        kb_version=a.kb_version,
        profile=a.profile,
        profile_label=a.profile_label,
        triage=_triage(a, numbers, audience, kb),
        pain=pain,
        body_svg=body_svg(pain=_marks(a, pain), chains=_chains(shown[:detailed], a, names, kb)),
        remote_summary=_remote_summary(shown, names, a) if audience == "clinician" else "",
        uncertainty=a.uncertainty.statement if a.uncertainty is not None else None,
        ranking=ranking,
        ranking_rest=rest,
        links=list({ln.edge_id + ln.cause: ln for item in ranking for ln in item.links}.values()),
        findings=[_finding(f, names) for f in a.findings],
        plan=[_plan(p, names, numbers) for p in a.plan],
        not_tested=not_tested[:_NOT_TESTED_SHOWN],
        not_tested_more=max(0, len(not_tested) - _NOT_TESTED_SHOWN),
        next_test=_next_test(a, names),
        claims=[
            f"“{c.claim}” — {c.status} ({c.grade}). {c.statement}"
            for c in a.claims_you_may_have_heard
        ],
        safety_net=list(a.safety_net),
        safety_net_clinician=[n.clinician for n in safety_net_entries(nets, regions)],
        follow_up_questions=_follow_up_wording(a, audience),
        warnings=_unfolded_warnings(a),
        photos=list(photos),
        progress=progress,
        references=refs,
        evidence_key=EVIDENCE_KEY,
        identity=identity_view(ident, names.region, fallback_ref=case_ref, plain=audience == "patient"),
        summary_findings=_summary_findings(a, names),
        plain_findings=_plain_findings(a),
        home_programme=programme,
        schedule=schedule(programme),
        clinic_items=_clinic_items(a.plan, kb),
        come_back=review.warning if review is not None and not a.triage.plan_suppressed else "",
    )
    return humanise_model(model, kb, numbers)


def _unfolded_warnings(a: Assessment) -> list[str]:
    """Warnings not already shown in their finding's row (those begin with the finding's test id), without the
    case-file field paths and command hints meant for someone editing the case file."""
    ids = {f.test_id for f in a.findings}
    kept = [w for w in a.warnings if w.split(":")[0].split(" ")[0] not in ids]
    return [without_case_file_hints(w) for w in kept]


def _not_tested(a: Assessment) -> list[NotTestedView]:
    """Untested tests, the recommended next test first, then those that could change the top item."""
    items = sorted(a.not_tested, key=lambda n: (a.next_test is None or n.test_id != a.next_test.test_id,
                                                 not n.could_change_top))
    views = [NotTestedView(name=n.name, reason=n.reason, could_change_top=n.could_change_top) for n in items]
    if a.next_test is not None and all(n.test_id != a.next_test.test_id for n in a.not_tested):
        views.insert(0, NotTestedView(name=a.next_test.name, reason="the most useful next test",
                                      could_change_top=True))
    return views


def _next_test(a: Assessment, names: _Names) -> str:
    if a.next_test is None:
        return ""
    about = ", ".join(names.node(i) for i in a.next_test.informs)
    return f"{a.next_test.name}: of the tests not done, its result is expected to tell most about {about}."


def _remote_summary(shown: list[RankedItem], names: _Names, a: Assessment) -> str:
    if a.triage.chain_suppressed:
        return "The chain is not weighed: the red-flag outcome comes first."
    standing = [r for r in shown if r.kind == "remote" and r.state in _STANDS_OUT]
    if not standing:
        return "No remote contributor stands out on the tests done; the local sources come first."
    parts = ", ".join(f"{r.name} ({round(100 * (r.probability or 0))}%)" for r in standing)
    return f"Remote contributors the findings single out (each may contribute; grades beside each link): {parts}."


def _summary_findings(a: Assessment, names: _Names) -> list[str]:
    """Findings beyond measurement error, with side and values, for the one-page summary."""
    out = []
    for f in a.findings:
        hits = [t for t in f.targets if t.state in _STANDS_OUT]
        if hits:
            what = "; ".join(f"{names.node(t.target).lower()} {t.state}" for t in hits)
            out.append(f"{f.name}: {format_reading(f)} — {what}")
    return out


def _plain_findings(a: Assessment) -> list[str]:
    """The key findings in the patient's words, with their own numbers (right side first)."""
    out = []
    for f in a.findings:
        if not any(t.state in _STANDS_OUT and t.role == "primary" for t in f.targets):
            continue
        capture = parse_capture_source(f.method, f.source)
        how = f" We measured this in 3-D with {capture.cameras} cameras filming you at once." if capture else ""
        if isinstance(f.left, float | int) and isinstance(f.right, float | int):
            out.append(f"{f.name}: your right side measured {_num(f.right, f.unit)} and your left side "
                       f"{_num(f.left, f.unit)}. The difference is bigger than the test can get wrong.{how}")
        elif isinstance(f.value, str):
            out.append(f"{f.name}: {f.value}.")
        elif f.value is not None:
            out.append(f"{f.name}: {_num(f.value, f.unit)}. This is outside the usual range.{how}")
    return out


def _marks(a: Assessment, pain: list[PainView]) -> list[PainMark]:
    if a.identity is not None and a.identity.complaint:
        return [PainMark(p.region, p.side) for p in a.identity.complaint]
    return [PainMark(p.region, "central") for p in pain]


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

    def patient_note(self, node_id: str) -> str:
        """A modifier's plain-words note for the patient (knowledge base), or '' without one."""
        entry = self.kb.impairments.get(node_id) if self.kb is not None else None
        return str(getattr(entry, "patient_note", "")) if entry is not None else ""

    def regions_of(self, node_id: str) -> list[str]:
        """The body regions a node sits in; a region id stands for itself."""
        if self.kb is not None and node_id in self.kb.impairments:
            return list(self.kb.impairments[node_id].regions)
        if self.kb is None or node_id in self.kb.regions:
            return [node_id]
        return []


def _triage(a: Assessment, numbers: Mapping[str, str], audience: str, kb: Any = None) -> TriageView:
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
            refs=[numbers.get(x, x) for x in f.refs],
        )
        for f in a.triage.flags
    ]
    return TriageView(
        action=str(a.triage.action),
        headline=headline,
        tone=tone,
        summary=_triage_summary(a, audience, kb),
        flags=flags,
        missing_questions=_worded(a.triage.missing_questions, audience),
        plan_suppressed=a.triage.plan_suppressed,
        chain_suppressed=a.triage.chain_suppressed,
    )


def _triage_summary(a: Assessment, audience: str, kb: Any) -> str:
    """The clinician reads the safety screen's own summary; the patient its plain wording (self_screen.yaml)."""
    wording = getattr(kb, "self_screen", None) if kb is not None else None
    if audience == "patient" and wording is not None and str(a.triage.action) in wording.triage:
        return str(wording.triage[str(a.triage.action)])
    return a.triage.summary


def _patient_sees(r: RankedItem, kb: Any) -> bool:
    """The handout lists local sources the model finds worth a look (at least the display threshold) and only the
    remote contributors the findings single out; an unlikely nerve or joint source would only alarm."""
    if r.kind == "remote":
        return r.state in _STANDS_OUT
    model = getattr(kb, "model", None) if kb is not None else None
    floor = float(getattr(model, "display_threshold", 0.0) or 0.0)
    return r.kind != "local" or r.probability is None or r.probability >= floor


def _shown_ranking(a: Assessment) -> list[RankedItem]:
    if a.triage.chain_suppressed:
        return [r for r in a.ranking if r.kind == "red_flag"]
    return list(a.ranking)


def _rank(r: RankedItem, names: _Names, numbers: Mapping[str, str] | None = None) -> RankView:
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
            refs=[(numbers or {}).get(x, x) for x in ln.refs],
        )
        for p in r.paths
        for ln in p.links
    ]
    state_label, _ = _STATE_LABELS.get(r.state, (r.state, "muted"))
    if r.kind == "red_flag":  # screened by yes/no answers, not measured: no measurement error applies
        state_label = "flagged by the red-flag screen"
    return RankView(
        id=r.id,
        name=r.name,
        kind=r.kind,
        kind_label=KIND_LABELS.get(r.kind, r.kind),
        probability_pct=None if r.probability is None else round(100 * r.probability),
        interval_pct=None if r.interval is None else [round(100 * x) for x in r.interval],
        state_label=state_label,
        explanation=_explanation(r, names),
        path_texts=[],
        links=links,
        patient_text=_patient_rank_text(r, names),
        stands_out=r.kind == "remote" and r.state in _STANDS_OUT,
    )


def _explanation(r: RankedItem, names: _Names) -> str:
    """The clinician's sentence for a ranked item, built from its parts (no ids or file names).

    The item's name, kind and probability stand in the row above it, so the sentence gives what they do not:
    the painful region, the chain (only when it passes through other nodes), the link grade and its test status.
    """
    state = _STATE_LABELS.get(r.state, (r.state, ""))[0]
    if r.kind == "red_flag":
        return "Flagged by the red-flag screen from the answers given."
    where = ", ".join(dict.fromkeys(names.region(p.region) for p in r.paths)) or "the painful region"
    if r.kind == "local":
        return f"Local source in {where}; {state}."
    routes = [p for p in r.paths if p.links]
    chains = "; ".join(" → ".join(names.node(n) for n in p.nodes) for p in routes if len(p.nodes) > 2)
    grades = "/".join(dict.fromkeys(p.grade for p in routes))
    via = f" via {chains}" if chains else ""
    grade = f" (link grade {grades})" if grades else ""
    fits = f" Pain behaviour fits ({', '.join(r.behaviour_matches)})." if r.behaviour_matches else ""
    verb = "May contribute to" if r.kind == "remote" else "Modifies"
    return f"{verb} pain in {where}{via}{grade}; {state}.{fits}"


def _extra_path_texts(r: RankedItem) -> list[str]:
    """Path sentences the explanation does not already carry (it usually names the edges it used)."""
    return [
        p.text
        for p in r.paths
        if p.links and p.text not in r.explanation and not any(ln.edge_id in r.explanation for ln in p.links)
    ]


def _clinic_items(plan: Sequence[PlanItem], kb: Any) -> list[str]:
    """Plan items done with the clinician (no home version), in the patient's words from the knowledge base."""
    home = getattr(kb, "home_exercises", {}) if kb is not None else {}
    interventions = getattr(kb, "interventions", {}) if kb is not None else {}
    out = []
    for p in plan:
        if p.intervention_id in home:
            continue
        entry = interventions.get(p.intervention_id)
        name = getattr(entry, "patient_name", "") or p.name
        summary = getattr(entry, "patient_summary", "")
        out.append(f"{name}: {summary}" if summary else name)
    return out


def _patient_rank_text(r: RankedItem, names: _Names) -> str:
    if r.kind == "local":
        note = names.patient_note(r.id) or "pain that starts where you feel it."
        return f"{r.name}: {note} This is always checked first."
    if r.kind == "red_flag":
        return f"{r.name}: this needs a doctor to look at it before anything else."
    if r.kind == "modifier":
        return f"{r.name}: {names.patient_note(r.id)}".rstrip(": ")
    grade = min((p.grade for p in r.paths), key=_grade_rank, default="")
    where = ", ".join(dict.fromkeys(plain_region(names.region(p.region)).lower() for p in r.paths))
    tail = f" to pain in your {where}" if where else ""
    evidence = f" ({grade_words(grade)})" if grade else ""
    return f"{r.name} may contribute{tail}{evidence}. It is a possible factor, not a proven cause."


def _grade_rank(grade: str) -> int:
    parsed = Grade(grade) if grade else None
    if parsed is None or parsed.weakest is None:
        return -1 if parsed is not None and parsed.is_contradicted else 0
    return -1 if parsed.is_contradicted else parsed.weakest.rank


def _finding(f: FindingResult, names: _Names) -> FindingView:
    targets = sorted(f.targets, key=lambda t: (t.role != "primary", _STATE_ORDER.index(t.state)))
    top = targets[0] if targets else None
    label, tone = _STATE_LABELS.get(top.state, (top.state, "muted")) if top else ("recorded", "muted")
    if top is not None and top.state == State.PRESENT and _is_categorical(f):
        label = "present (positive test)"  # a yes/no or named result has no measurement error to be beyond
    status = f"{names.node(top.target)}: {label}" if top else label
    errors = []
    capture = parse_capture_source(f.method, f.source)
    if f.uncertainty is not None:
        kind = "3-D capture, validated" if capture else "photo"
        errors.append(f"{kind} ±{_num(f.uncertainty, f.unit)}")
    if f.error_gate is not None:
        errors.append(f"error band ±{_num(f.error_gate, f.unit)}")
    if capture:  # "3-D capture, 4 cameras; test: hip rotation"
        method = f"{capture.method_label}; test: {capture.test_label}"
    else:
        source = _source_words(f.source)
        method = f.method or source if not f.method or source in f.method else f"{f.method}, {source}"
    return FindingView(
        test_id=f.test_id,
        name=f.name,
        reading=format_reading(f),
        method=method,
        error_text="; ".join(errors) or "—",
        status=status,
        tone=tone,
        reason=top.reason if top else "",
        rule="",
    )


def _source_words(source: str | None) -> str:
    """Where a finding came from, in words: 'case history' for a history field (not its field path), 'photo' for
    a photo (its file name says nothing to the reader); anything else as given."""
    if not source:
        return ""
    if source.startswith("history."):
        return "case history"
    if source.startswith("photo:"):
        return "photo"
    return source


def _is_categorical(f: FindingResult) -> bool:
    values = [v for v in (f.left, f.right, f.value) if v is not None]
    return bool(values) and all(isinstance(v, str) for v in values)


def _plan(p: PlanItem, names: _Names, numbers: Mapping[str, str]) -> PlanView:
    layer = "for everyone with this pain" if p.layer == "general" else "for your findings"
    if p.layer == "general":
        because = "guideline care for everyone with this pain"
    else:
        because = "chosen for " + ", ".join(names.node(t) for t in p.targets)
    return PlanView(
        name=p.name,
        layer=layer,
        kind=p.kind.replace("_", " "),
        description=p.description,
        dosage=p.dosage or "",
        progression=p.progression,
        grade=p.grade,
        grade_words=grade_words(p.grade),
        because=because,
        cautions=p.cautions,
        refs=[numbers.get(x, x) for x in p.refs],
    )


def _pain(a: Assessment, case: Case | None, names: _Names) -> list[PainView]:
    if case is not None and case.pain:
        return [
            PainView(region=p.region, name=names.region(p.region), intensity=p.intensity) for p in case.pain
        ]
    regions = dict.fromkeys(p.region for r in a.ranking for p in r.paths)
    return [PainView(region=r, name=names.region(r), intensity=None) for r in regions]


def _chains(shown: list[RankedItem], a: Assessment, names: _Names, kb: _Knowledge | None) -> list[ChainArrow]:
    """One arrow per ranked remote contributor the findings single out, from its side to the painful side."""
    out: dict[tuple[str, str], ChainArrow] = {}
    if a.triage.chain_suppressed:
        return []
    target_side = {p.region: p.side for p in a.identity.complaint} if a.identity else {}
    for r in shown:
        if r.kind != "remote" or r.state not in _STANDS_OUT:
            continue
        for p in r.paths:
            for ln in p.links:
                src = names.regions_of(ln.cause)
                dst = names.regions_of(ln.effect) or [p.region]
                if src and dst and src[0] != dst[0]:
                    out.setdefault((src[0], dst[0]), ChainArrow(
                        src[0], dst[0], ln.grade, r.name, source_side=_impaired_side(a, r.id, kb),
                        target_side=target_side.get(dst[0], target_side.get(p.region, "central"))))
    return list(out.values())


def _impaired_side(a: Assessment, impairment_id: str, kb: _Knowledge | None) -> str:
    """Which side a two-sided finding singles out: the side past the test's threshold, else the worse side."""
    for f in a.findings:
        if not any(t.target == impairment_id and t.state in _STANDS_OUT for t in f.targets):
            continue
        if not (isinstance(f.left, float | int) and isinstance(f.right, float | int)):
            continue
        rule = _rule(kb, f.test_id, impairment_id)
        below = rule is None or rule.when != "above"
        threshold = getattr(rule, "threshold", None)
        past = [s for s, v in (("left", f.left), ("right", f.right))
                if threshold is not None and (v < threshold if below else v > threshold)]
        if len(past) == 1:
            return past[0]
        if f.left != f.right:
            return ("left" if f.left < f.right else "right") if below else ("left" if f.left > f.right else "right")
    return "both"


def _rule(kb: _Knowledge | None, test_id: str, target: str) -> Any:
    test = getattr(kb, "tests", {}).get(test_id) if kb is not None else None
    return next((r for r in getattr(test, "informs", []) if r.target == target), None)


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
    return out


def _follow_up_wording(a: Assessment, audience: str) -> list[str]:
    """The follow-up questions as the reader should see them: clinician wording in the clinician's report."""
    return _worded(a.triage.follow_up_questions, audience)


def _worded(questions: Sequence[Mapping[str, str]], audience: str) -> list[str]:
    """Questions in the reader's wording: the knowledge base's `clinician_text` for the clinician, `text` for the
    patient (an assessment stored before both wordings were kept falls back to `text`)."""
    key = "clinician_text" if audience == "clinician" else "text"
    return [t for q in questions if (t := q.get(key) or q.get("text") or q.get("id", ""))]
