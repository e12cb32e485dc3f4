"""The façade every surface calls: intake → safety → findings → reasoning → plan.

```python
from kinetrace import assess, load_case, load_knowledge
result = assess(load_case("examples/demo.yaml"), load_knowledge())
```
"""

from __future__ import annotations

from collections.abc import Sequence

from kinetrace.findings.normalise import NormalisedFindings, normalise_findings
from kinetrace.intake.activities import map_activities
from kinetrace.intake.case import Case
from kinetrace.intake.history import apply_history, intake_warnings
from kinetrace.intake.identity import case_identity
from kinetrace.intake.measurements import CaseMeasurements
from kinetrace.intake.validate import validate_case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.plan.choose import choose_plan
from kinetrace.reasoning.evidence import CaseEvidence, build_evidence, painful_regions
from kinetrace.reasoning.explain import contested_claims, next_test, not_tested, remote_stands_out, remote_summary
from kinetrace.reasoning.inference import posterior_samples, posteriors
from kinetrace.reasoning.model import PROFILE_LABELS, build_model
from kinetrace.reasoning.quantitative import quantitative_notes
from kinetrace.reasoning.rank import exclusion_draws, flag_items, rank_contributors
from kinetrace.reasoning.uncertainty import sample_knowledge, summarise_uncertainty
from kinetrace.result import ASSESSMENT_SCHEMA, Assessment, QuantitativeNote, RankedItem, Triage
from kinetrace.safety.netting import safety_net_lines
from kinetrace.safety.red_flags import screen_red_flags
from kinetrace.values import State

__all__ = ["assess", "case_evidence"]



def _quantitative(kb: KnowledgeBase, measurements: CaseMeasurements, ranking: Sequence[RankedItem]
                  ) -> list[QuantitativeNote]:
    lld = next((m.value for m in measurements.for_test("leg_length_difference") if m.value is not None), None)
    oblique = next((m.value for m in measurements.for_test("pelvic_obliquity_angle") if m.value is not None), None)
    forward_head = any(i.id == "forward_head_posture" for i in ranking)
    return quantitative_notes(lld_mm=lld, measured_obliquity_deg=oblique, forward_head=forward_head,
                              facts=kb.model.quantitative)


def _safety_net(triage: Triage, kb: KnowledgeBase, case: Case) -> list[str]:
    # The advice itself is data (safety_netting.yaml), chosen by the painful regions; follow-up questions are
    # listed separately (triage.follow_up_questions), not folded into the advice.
    return safety_net_lines(triage, list(kb.safety_netting.values()), (p.region for p in case.pain))


def _warnings(findings: NormalisedFindings) -> list[str]:
    out = []
    for r in findings.results:
        if r.conflict is not None and r.conflict.is_conflict:
            out.append(f"{r.test_id}: {r.conflict_resolution}")
        for t in r.targets:
            if t.state == State.INDETERMINATE and t.role == "primary":
                out.append(f"{r.test_id} → {t.target}: {t.reason}; inside the measurement-error band, so "
                           "indeterminate (never present)")
    return out


def case_evidence(case: Case, kb: KnowledgeBase, *, profile: str = "evidence") -> CaseEvidence:
    """Return the network and the evidence `assess` reasons over (for export and cross-checks)."""
    model = build_model(kb, profile)
    case = apply_history(case)
    measurements = validate_case(case, kb)
    _, behaviours = map_activities(case, kb)
    findings = normalise_findings(measurements, kb, age=case.patient.age, sex=case.patient.sex)
    return build_evidence(case, kb, model, findings.readings, behaviours)


def _with_uncertainty(case: Case, kb: KnowledgeBase, profile: str, result: Assessment) -> Assessment:
    """Add each ranked item's interval over the plausible ranges of the EO numbers (Monte Carlo, vectorised)."""
    if not any(i.kind in ("local", "remote") for i in result.ranking):
        return result
    sampled = sample_knowledge(kb)
    ev = case_evidence(case, sampled, profile=profile)
    draws = posterior_samples(ev.network, ev.observations, ev.likelihoods)
    states = {s.id: s.state for s in result.impairments}
    draws = exclusion_draws(kb, draws, states, painful_regions(case))
    ranking, summary = summarise_uncertainty(kb, result.ranking, draws, profile=result.profile)
    return result.model_copy(update={"ranking": ranking, "uncertainty": summary})


def assess(case: Case, kb: KnowledgeBase, *, profile: str = "evidence", uncertainty: bool = False) -> Assessment:
    """Assess one case: triage first, then findings, ranking with chains, what to test next, and the plan.

    With `uncertainty`, each ranked item also carries an interval from sampling the plausible ranges of every
    design-default number, and the result says whether the top of the ranking is robust to them.

    Raises:
        InputError: the case names an unknown test or region, a wrong unit or an impossible value.
    """
    model = build_model(kb, profile)
    case = apply_history(case)
    measurements = validate_case(case, kb)
    triage = screen_red_flags(case, kb)
    mappings, behaviours = map_activities(case, kb)
    findings = normalise_findings(measurements, kb, age=case.patient.age, sex=case.patient.sex)
    painful = painful_regions(case)
    evidence = build_evidence(case, kb, model, findings.readings, behaviours)
    post = posteriors(evidence.network, evidence.observations, evidence.likelihoods)
    if triage.action.stops_plan:
        ranking = flag_items(triage.flags)
    else:
        ranking = rank_contributors(kb, model, post, findings, evidence, triage.flags)
        if triage.chain_suppressed:
            ranking = [i for i in ranking if i.kind != "remote"]
    present = frozenset(n for n, s in findings.statuses.items() if s.state.is_likely)
    show_chain = not triage.chain_suppressed
    result = Assessment(
        schema=ASSESSMENT_SCHEMA, kb_version=kb.version, profile=model.profile,
        profile_label=PROFILE_LABELS[model.profile],
        case_id=case.id, triage=triage, findings=list(findings.results),
        impairments=[s for s in findings.statuses.values() if s.state != State.NOT_TESTED],
        ranking=ranking,
        remote_summary=remote_summary(kb, ranking, chain_suppressed=triage.chain_suppressed),
        remote_stands_out=remote_stands_out(kb, ranking, chain_suppressed=triage.chain_suppressed),
        claims_you_may_have_heard=contested_claims(kb, model.contradicted, painful, present) if show_chain else [],
        not_tested=not_tested(kb, findings.measured_tests, ranking, limit=len(kb.tests)) if show_chain else [],
        next_test=next_test(kb, findings.measured_tests, ranking) if show_chain else None,
        plan=choose_plan(kb, triage, ranking, findings.statuses, painful, model.profile),
        safety_net=_safety_net(triage, kb, case),
        activity_mapping=mappings,
        quantitative=_quantitative(kb, measurements, ranking) if show_chain else [],
        warnings=[*_warnings(findings), *evidence.construct_notes, *intake_warnings(case, mappings)],
        identity=case_identity(case),
    )
    return _with_uncertainty(case, kb, profile, result) if uncertainty else result
