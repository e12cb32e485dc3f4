"""Cross-file rules of the knowledge base: ids resolve, references exist, ranges make sense.

Each rule returns problem strings naming file, entry id, field and value. A deliberate exception is listed by
rule and id in `exceptions.yaml` with its reason; rules are never switched off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kinetrace.knowledge.base import KnowledgeBase
from kinetrace.knowledge.outcomes import outcome_problems
from kinetrace.knowledge.schema import Condition, EdgeKind, NodeKind
from kinetrace.knowledge.self_screen import self_screen_problems
from kinetrace.values import GradeLevel

__all__ = ["RULES", "check_integrity"]


def _refs(kb: KnowledgeBase) -> list[str]:
    problems = []

    def need(file: str, entry: str, field: str, keys: Iterable[str]) -> None:
        for key in keys:
            if key not in kb.references:
                problems.append(f"{file}: entry {entry!r}, field {field}: reference {key!r} is not in references.yaml")

    for r in kb.regions.values():
        need("regions.yaml", r.id, "refs", r.refs)
    for i in kb.impairments.values():
        need("impairments.yaml", i.id, "refs", i.refs)
        for n, link in enumerate(i.local_to):
            need("impairments.yaml", i.id, f"local_to.{n}.refs", link.refs)
    for e in kb.edges.values():
        need("edges.yaml", e.id, "refs", e.refs)
    for t in kb.tests.values():
        need("tests.yaml", t.id, "refs", t.refs)
        if t.measurement_error:
            need("tests.yaml", t.id, "measurement_error.refs", t.measurement_error.refs)
        for n, rule in enumerate(t.informs):
            need("tests.yaml", t.id, f"informs.{n}.refs", rule.refs)
            if rule.accuracy:
                need("tests.yaml", t.id, f"informs.{n}.accuracy.refs", rule.accuracy.refs)
    for iv in kb.interventions.values():
        need("interventions.yaml", iv.id, "refs", iv.refs)
        if iv.dosage:
            need("interventions.yaml", iv.id, "dosage.refs", iv.dosage.refs)
    for rf in kb.red_flags.values():
        need("red_flags.yaml", rf.id, "refs", rf.refs)
    for c in kb.seed_claims.values():
        need("seed_claims.yaml", c.id, "refs", c.refs)
    need("model.yaml", "model", "refs", kb.model.refs)
    return problems


def _node_ids(kb: KnowledgeBase) -> set[str]:
    return set(kb.impairments)


def _impairments(kb: KnowledgeBase) -> list[str]:
    problems = []
    for i in kb.impairments.values():
        for region in i.regions:
            if region not in kb.regions:
                problems.append(f"impairments.yaml: entry {i.id!r}, field regions: unknown region {region!r}")
        for n, link in enumerate(i.local_to):
            if link.region not in kb.regions:
                problems.append(f"impairments.yaml: entry {i.id!r}, field local_to.{n}.region: "
                                f"unknown region {link.region!r}")
        if i.kind != NodeKind.LOCAL and i.local_to:
            problems.append(f"impairments.yaml: entry {i.id!r}, field local_to: only local sources take local_to")
        for n, other in enumerate(i.excluded_by):
            if other not in kb.impairments or kb.impairments[other].kind != NodeKind.LOCAL:
                problems.append(f"impairments.yaml: entry {i.id!r}, field excluded_by.{n}: {other!r} is not a "
                                "local source id")
        low, high = kb.model.prior_range.min, kb.model.prior_range.max
        if not low <= i.prior <= high:
            problems.append(f"impairments.yaml: entry {i.id!r}, field prior: {i.prior} lies outside the "
                            f"plausible range {low}…{high} of model.yaml prior_range")
    covered = {link.region for i in kb.impairments.values() for link in i.local_to}
    for region in kb.regions:
        if region not in covered:
            problems.append(f"regions.yaml: entry {region!r}: no local source explains pain here (add local_to "
                            "to an impairment in impairments.yaml)")
    return problems


def _regions(kb: KnowledgeBase) -> list[str]:
    problems = []
    for r in kb.regions.values():
        for n in r.neighbours:
            if n not in kb.regions:
                problems.append(f"regions.yaml: entry {r.id!r}, field neighbours: unknown region {n!r}")
            elif r.id not in kb.regions[n].neighbours:
                problems.append(f"regions.yaml: entry {r.id!r}, field neighbours: {n!r} does not list {r.id!r} "
                                "back (neighbours must be symmetric)")
    orders = sorted(r.order for r in kb.regions.values())
    if orders != list(range(len(orders))):
        problems.append(f"regions.yaml: field order: got {orders}; expected each of 0…{len(orders) - 1} once, "
                        "foot = 0")
    return problems


def _edges(kb: KnowledgeBase) -> list[str]:
    problems = []
    nodes = _node_ids(kb)
    conditions = kb.red_flag_conditions()
    behaviours = set(kb.model.behaviours)
    for e in kb.edges.values():
        allowed_causes = nodes | conditions if e.kind == EdgeKind.VISCERAL else nodes
        for cause in e.cause:
            if cause not in allowed_causes:
                problems.append(f"edges.yaml: entry {e.id!r}, field cause: {cause!r} is not a known node "
                                "(dangling edge)")
        for effect in e.effect:
            if effect not in nodes and effect not in kb.regions:
                problems.append(f"edges.yaml: entry {e.id!r}, field effect: {effect!r} is neither a node nor a "
                                "region (dangling edge)")
        for v in e.via:
            if v not in nodes:
                problems.append(f"edges.yaml: entry {e.id!r}, field via: unknown node {v!r}")
        for b in e.behaviour:
            if b not in behaviours:
                problems.append(f"edges.yaml: entry {e.id!r}, field behaviour: unknown signature {b!r}; "
                                f"expected one of {sorted(behaviours)}")
        for c in e.seed_claims:
            if c not in kb.seed_claims:
                problems.append(f"edges.yaml: entry {e.id!r}, field seed_claims: unknown claim {c!r}")
        if not e.grades.mech.applies and not e.grades.pain.applies and e.kind != EdgeKind.VISCERAL:
            problems.append(f"edges.yaml: entry {e.id!r}, field grades: both grades are '—'; "
                            "an edge needs at least one grade")
        problems += _edge_profile(kb, e.id)
    return problems


def _edge_profile(kb: KnowledgeBase, edge_id: str) -> list[str]:
    """An edge resting on expert opinion alone for pain in a region is a seed claim, never literature."""
    e = kb.edges[edge_id]
    where = f"edges.yaml: entry {e.id!r}, field profile"
    to_regions_only = set(e.effect) <= set(kb.regions)
    expert_only = e.grades.pain.levels == (GradeLevel.EO,)
    if to_regions_only and expert_only and e.profile != "seed":
        return [f"{where}: got {e.profile!r}; a pain link graded {e.grades.pain} (expert opinion only) must be "
                "profile: seed"]
    if e.id.startswith("S") and (e.profile != "seed" or not e.grades.pain.is_contradicted):
        return [f"{where}: seed-only chains (S..) must be profile: seed with a contradicted (✗) pain grade"]
    return []


def _tests(kb: KnowledgeBase) -> list[str]:
    problems = []
    for t in kb.tests.values():
        where = f"tests.yaml: entry {t.id!r}"
        if t.region not in kb.regions:
            problems.append(f"{where}, field region: unknown region {t.region!r}")
        vr = t.valid_range
        for n, rule in enumerate(t.informs):
            if rule.target not in kb.impairments:
                problems.append(f"{where}, field informs.{n}.target: unknown impairment {rule.target!r}")
            for name, value in (("threshold", rule.threshold), ("borderline", rule.borderline)):
                if vr is not None and value is not None and rule.when in {"below", "above"} and not (
                        vr.min <= value <= vr.max):
                    problems.append(f"{where}, field informs.{n}.{name}: {value} lies outside the valid range "
                                    f"{vr.min}…{vr.max} (impossible range)")
            if rule.when == "below_age_norm" and not t.age_norms:
                problems.append(f"{where}, field informs.{n}.when: below_age_norm needs age_norms on the test")
        bands = sorted(t.age_norms, key=lambda a: (a.sex, a.age_min))
        for a in bands:
            if a.age_min > a.age_max:
                problems.append(f"{where}, field age_norms: band {a.age_min}–{a.age_max} is reversed")
        for a, b in zip(bands, bands[1:], strict=False):
            if a.sex == b.sex and b.age_min <= a.age_max:
                problems.append(f"{where}, field age_norms: bands {a.age_min}–{a.age_max} and "
                                f"{b.age_min}–{b.age_max} overlap")
        if vr is not None and t.measurement_error and t.measurement_error.gate > (vr.max - vr.min) / 2:
            problems.append(f"{where}, field measurement_error.gate: {t.measurement_error.gate} is larger than half "
                            "the valid range (impossible range)")
    return problems


def _design_default_gates(kb: KnowledgeBase) -> list[str]:
    problems = []
    for t in kb.tests.values():
        err = t.measurement_error
        if err is not None and err.kind == "design_default" and (
                err.grade.weakest is not GradeLevel.EO or "design default" not in err.text.lower()):
            problems.append(f"tests.yaml: entry {t.id!r}, field measurement_error: a design-default gate must be "
                            "graded EO and say 'design default' in its text")
    return problems


def _questions_asked(kb: KnowledgeBase) -> list[str]:
    used: set[str] = set()
    for rf in kb.red_flags.values():
        for cond in (rf.when, rf.escalate_when):
            if cond is not None:
                used |= {ident for kind, ident in _condition_ids(cond) if kind == "question"}
        used |= set(rf.follow_up_questions)
    return [f"questions.yaml: entry {q.id!r}: no red-flag rule asks it (use it in red_flags.yaml or remove it)"
            for q in kb.questions.values() if q.id not in used]


def _interventions(kb: KnowledgeBase) -> list[str]:
    problems = []
    conditions = kb.red_flag_conditions()
    for iv in kb.interventions.values():
        where = f"interventions.yaml: entry {iv.id!r}"
        for target in iv.targets:
            if target not in kb.impairments:
                problems.append(f"{where}, field targets: unknown impairment {target!r}")
        for region in iv.regions:
            if region not in kb.regions:
                problems.append(f"{where}, field regions: unknown region {region!r}")
        for c in iv.contraindicated_by:
            if c not in conditions:
                problems.append(f"{where}, field contraindicated_by: unknown red-flag condition {c!r}")
        if iv.layer == "specific" and not iv.targets:
            problems.append(f"{where}, field targets: a specific plan item must point at an impairment")
        if not iv.recommended and not iv.not_recommended_reason:
            problems.append(f"{where}, field not_recommended_reason: say why it is not recommended")
    return problems


def _condition_ids(cond: Condition) -> Iterable[tuple[str, str]]:
    for key in ("yes", "unknown"):
        value = getattr(cond, key)
        if value is not None:
            yield "question", value
    if cond.pain_in:
        for region in cond.pain_in:
            yield "region", region
    if cond.finding_at_least:
        for test in cond.finding_at_least:
            yield "test", test
    for child in [*(cond.any or []), *(cond.all or [])]:
        yield from _condition_ids(child)
    if cond.not_ is not None:
        yield from _condition_ids(cond.not_)
    if cond.count_at_least is not None:
        for child in cond.count_at_least.of:
            yield from _condition_ids(child)


def _red_flags(kb: KnowledgeBase) -> list[str]:
    problems = []
    tables = {"question": kb.questions, "region": kb.regions, "test": kb.tests}
    for rf in kb.red_flags.values():
        conds = [("when", rf.when)] + ([("escalate_when", rf.escalate_when)] if rf.escalate_when else [])
        for field, cond in conds:
            for kind, ident in _condition_ids(cond):
                if ident not in tables[kind]:
                    problems.append(f"red_flags.yaml: entry {rf.id!r}, field {field}: unknown {kind} {ident!r}")
        for qid in rf.follow_up_questions:
            if qid not in kb.questions:
                problems.append(f"red_flags.yaml: entry {rf.id!r}, field follow_up_questions: unknown question "
                                f"{qid!r}")
    for q in kb.questions.values():
        for region in q.required_for:
            if region not in kb.regions:
                problems.append(f"questions.yaml: entry {q.id!r}, field required_for: unknown region {region!r}")
        for region in q.regions:
            if region not in kb.regions:
                problems.append(f"questions.yaml: entry {q.id!r}, field regions: unknown region {region!r}; "
                                f"expected one of regions.yaml's ids")
    return problems


def _claims_and_seeds(kb: KnowledgeBase) -> list[str]:
    problems = []
    for c in kb.seed_claims.values():
        for e in c.edges:
            if e not in kb.edges:
                problems.append(f"seed_claims.yaml: entry {c.id!r}, field edges: unknown edge {e!r}")
            elif c.id not in kb.edges[e].seed_claims:
                problems.append(f"seed_claims.yaml: entry {c.id!r}, field edges: edge {e!r} does not list the "
                                "claim back in its seed_claims")
    for edge in kb.edges.values():
        for cid in edge.seed_claims:
            if cid in kb.seed_claims and edge.id not in kb.seed_claims[cid].edges:
                problems.append(f"edges.yaml: entry {edge.id!r}, field seed_claims: claim {cid!r} does not list "
                                "the edge back in its edges")
    for s in kb.seeds.values():
        for field, table in (("chains", kb.edges), ("tests", kb.tests), ("remedies", kb.interventions),
                             ("claims", kb.seed_claims)):
            for ident in getattr(s, field):
                if ident not in table:
                    problems.append(f"seeds.yaml: entry {s.id!r}, field {field}: unknown id {ident!r}")
    return problems


def _activities_and_model(kb: KnowledgeBase) -> list[str]:
    problems = []
    behaviours = set(kb.model.behaviours)
    seen: dict[str, str] = {}
    for a in kb.activities.values():
        if a.behaviour is not None and a.behaviour not in behaviours:
            problems.append(f"activities.yaml: entry {a.id!r}, field behaviour: unknown signature {a.behaviour!r}")
        for kw in a.keywords:
            if kw != kw.lower().strip():
                problems.append(f"activities.yaml: entry {a.id!r}, field keywords: {kw!r} must be lower case "
                                "without surrounding spaces")
            if kw.lower() in seen and seen[kw.lower()] != a.id:
                problems.append(f"activities.yaml: entry {a.id!r}, field keywords: {kw!r} is also a keyword of "
                                f"{seen[kw.lower()]!r}")
            seen[kw.lower()] = a.id
    for grade in GradeLevel:
        if grade not in kb.model.grade_weights:
            problems.append(f"model.yaml: field grade_weights: grade {grade.value!r} has no weight")
    return problems


def _patient_texts(kb: KnowledgeBase) -> list[str]:
    """Home exercises name a recommended intervention; items without one have plain patient wording; safety nets
    name known regions; all references exist."""
    problems = []
    for ex in kb.home_exercises.values():
        iv = kb.interventions.get(ex.id)
        if iv is None:
            problems.append(f"home_exercises.yaml: entry {ex.id!r}, field id: got {ex.id!r}; expected an "
                            "intervention id from interventions.yaml")
        elif not iv.recommended:
            problems.append(f"home_exercises.yaml: entry {ex.id!r}: the intervention is not recommended; "
                            "a home version of it must not be given")
        problems.extend(f"home_exercises.yaml: entry {ex.id!r}, field refs: got {r!r}; expected a key of "
                        "references.yaml" for r in ex.refs if r not in kb.references)
    if kb.home_exercises:  # the patient texts are loaded: every other item needs its own plain wording
        problems.extend(f"interventions.yaml: entry {iv.id!r}, field {field}: missing; expected plain words for "
                        "the patient (the item has no home version in home_exercises.yaml)"
                        for iv in kb.interventions.values() if iv.id not in kb.home_exercises
                        for field in ("patient_name", "patient_summary") if not getattr(iv, field).strip())
    for net in kb.safety_netting.values():
        problems.extend(f"safety_netting.yaml: entry {net.id!r}, field regions: got {r!r}; expected a region id "
                        "or 'all'" for r in net.regions if r != "all" and r not in kb.regions)
        problems.extend(f"safety_netting.yaml: entry {net.id!r}, field refs: got {r!r}; expected a key of "
                        "references.yaml" for r in net.refs if r not in kb.references)
    return problems


def _proxy_methods(kb: KnowledgeBase) -> list[str]:
    """model.yaml proxy_confirmation names method ids that tests.yaml declares; photo methods are proxies too."""
    rule = kb.model.proxy_confirmation
    if rule is None:
        return []
    known = {m.id for t in kb.tests.values() for m in t.methods}
    problems: list[str] = []
    for field in ("proxy_methods", "photo_methods"):
        problems.extend(f"model.yaml: entry {m!r}, field proxy_confirmation.{field}: got {m!r}; expected a method "
                        "id of tests.yaml (a test's methods[].id)" for m in getattr(rule, field) if m not in known)
    problems.extend(f"model.yaml: entry {m!r}, field proxy_confirmation.photo_methods: got {m!r}; expected one "
                    "of proxy_methods" for m in rule.photo_methods if m not in rule.proxy_methods)
    return problems


RULES: dict[str, Callable[[KnowledgeBase], list[str]]] = {
    "references_exist": _refs,
    "regions_form_a_chain": _regions,
    "impairment_ids_resolve": _impairments,
    "edges_resolve": _edges,
    "tests_resolve_and_ranges": _tests,
    "design_default_gates_say_so": _design_default_gates,
    "interventions_resolve": _interventions,
    "red_flags_resolve": _red_flags,
    "every_question_is_asked": _questions_asked,
    "claims_and_seeds_resolve": _claims_and_seeds,
    "activities_and_model": _activities_and_model,
    "patient_texts_resolve": _patient_texts,
    "self_screen_wording_resolves": lambda kb: self_screen_problems(kb.self_screen, questions=kb.questions,
                                                                    regions=kb.regions),
    "outcome_thresholds_fit_their_scales": lambda kb: outcome_problems(kb.outcomes),
    "proxy_methods_are_test_methods": _proxy_methods,
}


def check_integrity(kb: KnowledgeBase) -> list[str]:
    """Run every cross-file rule and return all problems not excused in exceptions.yaml.

    An exception naming an unknown rule, or excusing nothing (the data no longer breaks the rule), is itself a
    problem, so the exceptions file cannot go stale.
    """
    problems: list[str] = []
    used: set[tuple[str, str]] = set()
    for name, rule in RULES.items():
        for problem in rule(kb):
            excuse = next((e for e in kb.exceptions if e.rule == name and f"entry {e.id!r}" in problem), None)
            if excuse is None:
                problems.append(problem)
            else:
                used.add((excuse.rule, excuse.id))
    for e in kb.exceptions:
        if e.rule not in RULES:
            problems.append(f"exceptions.yaml: entry {e.id!r}, field rule: got {e.rule!r}; expected one of "
                            f"{sorted(RULES)}")
        elif (e.rule, e.id) not in used:
            problems.append(f"exceptions.yaml: entry {e.id!r}: rule {e.rule!r} no longer fires for it; remove the "
                            "exception")
    return problems
