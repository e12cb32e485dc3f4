"""Choose the corrective plan: interventions for the top items, each citing the finding and rule that chose it,
plus the general layer (activity, education). Nothing a fired red flag contraindicates; nothing at all when an
emergency or urgent flag stops the plan (clinical.md §D, §E.4).
"""

from __future__ import annotations

from collections.abc import Sequence

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import Intervention
from kinetrace.result import ImpairmentStatus, PlanItem, RankedItem, Triage

__all__ = ["choose_plan"]

_TARGETED_STATES = ("present", "probable", "possible")


def _dose(iv: Intervention) -> tuple[str | None, str]:
    if iv.dosage is None:
        return None, ""
    return iv.dosage.text, iv.dosage.progression


def _item(iv: Intervention, because: str, *, targets: Sequence[str] | None = None) -> PlanItem:
    dose, progression = _dose(iv)
    return PlanItem(intervention_id=iv.id, name=iv.name, kind=iv.kind, layer=iv.layer,
                    targets=list(targets if targets is not None else iv.targets), description=iv.description,
                    dosage=dose, progression=progression, grade=iv.grade, refs=list(iv.refs), because=because,
                    cautions=iv.cautions, profile=iv.profile)


def _allowed(iv: Intervention, blocked: set[str], profile: str) -> bool:
    if not iv.recommended or set(iv.contraindicated_by) & blocked:
        return False
    if iv.grade.is_contradicted:
        return False
    return profile == "seed" or iv.profile != "seed"


def _order(candidates: list[Intervention], profile: str) -> list[Intervention]:
    # seed profile: the seed article's own remedies first; evidence profile: literature items first.
    return sorted(candidates, key=lambda iv: (iv.profile != "seed") if profile == "seed" else (iv.profile == "seed"))


def _targeted(kb: KnowledgeBase, ranking: Sequence[RankedItem], statuses: dict[str, ImpairmentStatus],
              blocked: set[str], profile: str) -> list[PlanItem]:
    chosen: list[PlanItem] = []
    used: set[str] = set()
    items = [i for i in ranking if i.kind in ("local", "remote", "modifier") and i.state in _TARGETED_STATES]
    for item in items[:kb.model.plan_sizes.max_targeted_items]:
        status = statuses.get(item.id)
        evidence = ", ".join(status.evidence) if status and status.evidence else "the pain map"
        candidates = [iv for iv in kb.interventions.values()
                      if item.id in iv.targets and iv.layer == "specific" and _allowed(iv, blocked, profile)]
        for iv in _order(candidates, profile)[:kb.model.plan_sizes.per_target[profile]]:
            if iv.id in used:
                continue
            used.add(iv.id)
            link = item.paths[0].text if item.paths else "modifier of the plan"
            because = (f"{item.name} is {item.state} (from {evidence}; probability "
                       f"{(item.probability or 0):.0%}); rule: clinical.md §D row for {item.id}; chain: {link}")
            chosen.append(_item(iv, because, targets=[item.id]))
    return chosen


def _general(kb: KnowledgeBase, painful: frozenset[str], blocked: set[str], *, activity_only: bool,
             statuses: dict[str, ImpairmentStatus]) -> list[PlanItem]:
    out = []
    high_risk = statuses.get("psychosocial_risk_high")
    for iv in kb.interventions.values():
        if iv.layer != "general" or not _allowed(iv, blocked, "evidence"):
            continue
        if iv.regions and not set(iv.regions) & painful:
            continue
        if iv.targets and not any(statuses.get(t) and statuses[t].state.is_likely
                                  for t in iv.targets):
            continue
        if activity_only and iv.kind not in ("activity", "education"):
            continue
        region_names = ", ".join(sorted(set(iv.regions) & painful)) or "every plan"
        because = f"general layer for {region_names} (clinical.md §D)"
        if iv.targets:
            found = ", ".join(t for t in iv.targets if statuses.get(t) and statuses[t].state.is_likely)
            because = f"{found} found present or probable (non-red-flag route, clinical.md §D)"
        if "psychosocial_risk_high" in iv.targets and high_risk is not None:
            because = f"psychosocial risk {high_risk.state} (clinical.md §C.3, §D)"
        out.append(_item(iv, because))
    return out


def choose_plan(kb: KnowledgeBase, triage: Triage, ranking: Sequence[RankedItem],
                statuses: dict[str, ImpairmentStatus], painful: frozenset[str], profile: str) -> list[PlanItem]:
    """Return the plan (general layer first, then targeted items), or nothing when triage stops it."""
    if triage.plan_suppressed:
        return []
    blocked = {f.condition_id for f in triage.flags}
    routine = triage.pending_medical_review
    general = _general(kb, painful, blocked, activity_only=routine, statuses=statuses)
    if routine:
        return general
    return [*general, *_targeted(kb, ranking, statuses, blocked, profile)]
