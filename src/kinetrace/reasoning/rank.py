"""Rank local sources, remote contributors, red-flag conditions and modifiers (clinical.md §0.2, §H.1).

Posteriors come from the exact network. The order then obeys the local-before-remote rule (§0.2 rule 3): a
remote contributor may stand first only when it is present beyond measurement error, a chain links it to the
painful region, the pain behaviour fits that chain, and its probability beats the best local source. Under the
seed profile the rule is not applied, because the seed articles do not apply it; the profile label says so.

A label of exclusion (an impairment with `excluded_by`, e.g. non-specific low back pain) is explained away by the
specific local sources it names: its probability rises above its prior only in proportion to how many of them
were tested and found absent, it is capped by the chance that a specific source found present is the answer, and
it never ranks above such a source. Every item kept from the place its probability alone would give says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kinetrace.findings.normalise import NormalisedFindings
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import NodeKind
from kinetrace.reasoning.evidence import CaseEvidence
from kinetrace.reasoning.model import ChainModel, is_rankable
from kinetrace.reasoning.paths import find_paths
from kinetrace.result import Flag, Path, RankedItem
from kinetrace.values import State

__all__ = ["exclusion_draws", "flag_items", "rank_contributors"]

_STATE_WORDS = {"present": "present beyond measurement error", "probable": "probable", "possible": "possible",
                "indeterminate": "within measurement error", "absent": "not found", "not_tested": "not tested"}




def flag_items(flags: Sequence[Flag]) -> list[RankedItem]:
    """Return referral-level red-flag conditions as ranked items; they always come first (§E.4 rule 7).

    Weak flags (safety netting) are shown in the triage with their follow-up questions, not ranked.
    """
    items: dict[str, RankedItem] = {}
    for f in flags:
        if f.condition_id in items or not f.action.is_referral:
            continue
        items[f.condition_id] = RankedItem(
            id=f.condition_id, name=f.suspected, kind="red_flag", probability=None, state=State.PRESENT,
            explanation=f"Red flag {f.rule_id} ({f.reason}): {f.advice} See {f.whom}, {f.how_soon}.")
    return list(items.values())


def _behaviour_fit(kb: KnowledgeBase, paths: Sequence[Path], evidence: CaseEvidence) -> tuple[list[str], list[str]]:
    matches: set[str] = set()
    mismatches: set[str] = set()
    for path in paths:
        signatures = {b for lk in path.links if lk.edge_id in kb.edges for b in kb.edges[lk.edge_id].behaviour}
        matches |= signatures & evidence.provoked.get(path.region, frozenset())
        mismatches |= signatures & evidence.eased.get(path.region, frozenset())
    return sorted(matches), sorted(mismatches)


def _explanation(kb: KnowledgeBase, node_id: str, *, kind: str, probability: float, state: str,
                 paths: Sequence[Path], matches: Sequence[str]) -> str:
    name = kb.impairments[node_id].name
    words = _STATE_WORDS.get(state, state)
    if kind == "local":
        regions = ", ".join(sorted({kb.name_of(p.region) for p in paths})) or "the painful region"
        return (f"{name} is a local source to consider in {regions} (test status: {words}); "
                f"probability {probability:.0%}.")
    if not paths:
        return f"{name}: {words}; probability {probability:.0%}."
    best = paths[0]
    fit = f" Pain behaviour fits this chain ({', '.join(matches)})." if matches else ""
    return (f"{name} ({words}) may contribute to pain in {kb.name_of(best.region)}: {best.text}. "
            f"Probability {probability:.0%}.{fit}")


def _candidate(kb: KnowledgeBase, model: ChainModel, node_id: str, post: Mapping[str, float],
               findings: NormalisedFindings, evidence: CaseEvidence) -> RankedItem | None:
    node = kb.impairments[node_id]
    local_regions = {lt.region for lt in node.local_to} & evidence.painful
    is_local = node.kind == NodeKind.LOCAL and bool(local_regions)
    if node.kind == NodeKind.MODIFIER:
        state = findings.statuses[node_id].state
        if not state.is_likely:
            return None
        return RankedItem(id=node_id, name=node.name, kind="modifier", probability=round(post[node_id], 6),
                          prior=node.prior, state=state, may_rank_first=False,
                          explanation=f"{node.name} ({_STATE_WORDS[state]}): changes the plan, not the ranking of "
                                      "mechanical items (clinical.md §H.1 step 7).")
    if not is_rankable(kb, node_id):
        return None
    paths = find_paths(kb, model, node_id, evidence.painful)
    if not paths:
        return None
    state = findings.statuses[node_id].state
    probability = post[node_id]
    exclusion_note = ""
    if node.excluded_by:
        probability, exclusion_note = _exclusion_probability(kb, node_id, post, findings, evidence.painful)
    kind: Literal["local", "remote"] = "local" if is_local else "remote"
    if kind == "remote" and probability < kb.model.display_threshold and state not in (State.PRESENT, State.PROBABLE,
                                                                                        State.POSSIBLE):
        return None
    matches, mismatches = _behaviour_fit(kb, paths, evidence)
    return RankedItem(id=node_id, name=node.name, kind=kind, probability=round(probability, 6), prior=node.prior,
                      state=state, paths=paths, behaviour_matches=matches, behaviour_mismatches=mismatches,
                      may_rank_first=True,
                      explanation=_explanation(kb, node_id, kind=kind, probability=probability, state=state,
                                                  paths=paths, matches=matches) + exclusion_note)


def _specific_sources(kb: KnowledgeBase, node_id: str, painful: frozenset[str]) -> list[str]:
    """Return the specific local sources a label of exclusion names that could explain a painful region."""
    node = kb.impairments[node_id]
    regions = {lt.region for lt in node.local_to} & painful
    return [s for s in node.excluded_by if {lt.region for lt in kb.impairments[s].local_to} & regions]


def _exclusion_probability(kb: KnowledgeBase, node_id: str, post: Mapping[str, float],
                           findings: NormalisedFindings, painful: frozenset[str]) -> tuple[float, str]:
    """Return a label of exclusion's probability after explaining-away, and the sentence that says how."""
    prior = kb.impairments[node_id].prior
    posterior = post[node_id]
    specific = _specific_sources(kb, node_id, painful)
    if not specific:
        return posterior, ""
    ruled_out = [s for s in specific if findings.statuses[s].state == State.ABSENT]
    found = [s for s in specific if findings.statuses[s].state in _FOUND]
    ceiling = prior + max(0.0, posterior - prior) * len(ruled_out) / len(specific)
    cap = 1.0 - max((post[s] for s in found), default=0.0)
    probability = min(posterior, ceiling, cap)
    names = ", ".join(kb.impairments[s].name for s in specific)
    note = (f" A label of exclusion: it rises above its prior ({prior:.0%}) only as specific sources are ruled "
            f"out ({len(ruled_out)} of {len(specific)} tested negative: {names}).")
    if found:
        note += (" Explained away by " + ", ".join(kb.impairments[s].name for s in found)
                 + " (found present or probable), which it never outranks.")
    return probability, note


_FOUND = (State.PRESENT, State.PROBABLE)


def exclusion_draws(kb: KnowledgeBase, draws: Mapping[str, NDArray[np.float64]], states: Mapping[str, str],
                    painful: frozenset[str]) -> dict[str, NDArray[np.float64]]:
    """Return posterior samples with each label of exclusion explained away exactly as in the ranking.

    `states` maps impairment ids to their combined test state; samples of other nodes are returned unchanged.
    """
    out = dict(draws)
    for node_id, samples in draws.items():
        node = kb.impairments.get(node_id)
        specific = _specific_sources(kb, node_id, painful) if node is not None and node.excluded_by else []
        if node is None or not specific:
            continue
        ruled_out = sum(1 for x in specific if states.get(x) == State.ABSENT)
        ceiling = node.prior + np.maximum(0.0, samples - node.prior) * ruled_out / len(specific)
        adjusted = np.minimum(samples, ceiling)
        for x in specific:
            if states.get(x) in _FOUND and x in draws:
                adjusted = np.minimum(adjusted, 1.0 - draws[x])
        out[node_id] = adjusted
    return out


def _generic_below_specific(kb: KnowledgeBase, items: list[RankedItem], painful: frozenset[str]
                            ) -> list[RankedItem]:
    """Move each label of exclusion below every specific source it names that was found present or probable."""
    out = list(items)
    for item in items:
        node = kb.impairments.get(item.id)
        if node is None or not node.excluded_by:
            continue
        found = {i.id for i in out if i.id in _specific_sources(kb, item.id, painful) and i.state in _FOUND}
        if not found:
            continue
        last = max(n for n, i in enumerate(out) if i.id in found)
        here = out.index(item)
        if here < last:
            out.remove(item)
            out.insert(last, item)
    return out


def _note_first_rule(items: list[RankedItem]) -> list[RankedItem]:
    """Say on every remote item that outscores the first item why it does not stand first (§0.2 rule 3)."""
    if not items:
        return items
    first = items[0]
    out = [first]
    for item in items[1:]:
        if item.kind == "remote" and (item.probability or 0.0) > (first.probability or 0.0):
            why = []
            if item.state != State.PRESENT:
                why.append("it is not present beyond measurement error")
            if not item.behaviour_matches:
                why.append("the pain behaviour does not fit its chain")
            if not why:
                why.append("a local source explains the picture at least as well")
            note = (f" Local sources are examined first: ranked below {first.name} although its probability is "
                    f"higher, because {' and '.join(why)} (clinical.md §0.2 rule 3).")
            out.append(item.model_copy(update={"explanation": item.explanation + note}))
        else:
            out.append(item)
    return out


def _gate(items: list[RankedItem], profile: str, kb: KnowledgeBase, painful: frozenset[str]
          ) -> list[RankedItem]:
    best_local = max((i.probability or 0.0 for i in items if i.kind == "local"), default=0.0)
    gated = []
    for item in items:
        if item.kind == "remote" and profile == "evidence":
            eligible = (item.state == State.PRESENT and bool(item.behaviour_matches)
                        and (item.probability or 0.0) > best_local)
            gated.append(item.model_copy(update={"may_rank_first": eligible}))
        else:
            gated.append(item)
    gated.sort(key=lambda i: (-(i.probability or 0.0), i.kind != "local", i.id))
    if profile == "evidence":
        gated = _generic_below_specific(kb, gated, painful)
    if gated and not gated[0].may_rank_first:
        first_ok = next((i for i in gated if i.may_rank_first), None)
        if first_ok is not None:
            gated.remove(first_ok)
            gated.insert(0, first_ok)
    return _note_first_rule(gated)


def rank_contributors(kb: KnowledgeBase, model: ChainModel, post: Mapping[str, float],
                      findings: NormalisedFindings, evidence: CaseEvidence, flags: Sequence[Flag]
                      ) -> list[RankedItem]:
    """Return the ranking: red-flag conditions first, then local and remote items by posterior, gated."""
    items = [c for n in model.order if (c := _candidate(kb, model, n, post, findings, evidence)) is not None]
    mechanical = [i for i in items if i.kind != "modifier"]
    modifiers = [i for i in items if i.kind == "modifier"]
    return [*flag_items(flags), *_gate(mechanical, model.profile, kb, evidence.painful), *modifiers]
