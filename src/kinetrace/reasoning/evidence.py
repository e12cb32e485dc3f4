"""A case's evidence as network observations: painful regions, behaviours, radiation, test readings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kinetrace.findings.normalise import TestReading
from kinetrace.intake.activities import PainBehaviour
from kinetrace.intake.case import Case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.reasoning.inference import Likelihood, NoisyOrNetwork, Number, Observation
from kinetrace.reasoning.model import ChainModel

__all__ = ["CaseEvidence", "build_evidence", "painful_regions", "reconcile_constructs", "region_behaviours"]


@dataclass(frozen=True)
class CaseEvidence:
    """The network and everything observed in one case."""

    network: NoisyOrNetwork
    observations: tuple[Observation, ...]
    likelihoods: tuple[Likelihood, ...]
    painful: frozenset[str]
    provoked: Mapping[str, frozenset[str]]  # region → behaviours that provoke its pain
    eased: Mapping[str, frozenset[str]]
    construct_notes: tuple[str, ...] = ()  # disagreements inside a measurement construct, shown as warnings


def painful_regions(case: Case) -> frozenset[str]:
    """Return the regions of the pain map with any pain."""
    return frozenset(p.region for p in case.pain if p.intensity > 0)


def region_behaviours(case: Case, behaviours: Mapping[int, PainBehaviour]
                      ) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Return (provoked, eased) behaviour signatures per painful region."""
    provoked: dict[str, set[str]] = {}
    eased: dict[str, set[str]] = {}
    for index, entry in enumerate(case.pain):
        b = behaviours.get(index, PainBehaviour())
        provoked.setdefault(entry.region, set()).update(b.provoked)
        eased.setdefault(entry.region, set()).update(b.eased - b.provoked)
    return ({r: frozenset(v) for r, v in provoked.items()}, {r: frozenset(v) for r, v in eased.items()})


def _behaviour_parents(kb: KnowledgeBase, model: ChainModel, region: str, behaviour: str
                       ) -> tuple[tuple[str, Number], ...]:
    m = kb.model
    parents: dict[str, Number] = {}
    for link in model.region_links(region):
        if link.edge_id is not None and behaviour in kb.edges[link.edge_id].behaviour:
            parents[link.cause] = m.behaviour_link
        if link.is_local and behaviour in m.local_behaviours.get(link.cause, []):
            parents[link.cause] = m.local_behaviour_link
    return tuple(parents.items())


def _behaviour_observations(kb: KnowledgeBase, model: ChainModel, painful: frozenset[str],
                            provoked: Mapping[str, frozenset[str]], eased: Mapping[str, frozenset[str]]
                            ) -> list[Observation]:
    """One observation per behaviour signature, whatever the number of painful regions that report it.

    Pain in several regions provoked by one movement is one fact about the person (that movement hurts), so it
    is observed once; its parents are the causes linked to any painful region that reports it, each once with its
    strongest link. A behaviour that provokes pain anywhere is positive; one that only eases pain is negative.
    """
    provoking = {b for r in painful for b in provoked.get(r, frozenset())}
    easing = {b for r in painful for b in eased.get(r, frozenset())} - provoking
    out: list[Observation] = []
    for b in sorted(provoking | easing):
        value = b in provoking
        table = provoked if value else eased
        parents: dict[str, Number] = {}
        for region in sorted(painful):
            if b in table.get(region, frozenset()):
                for cause, w in _behaviour_parents(kb, model, region, b):
                    parents[cause] = np.maximum(parents[cause], w) if cause in parents else w
        if parents:
            out.append(Observation(f"behaviour:{b}", kb.model.behaviour_leak, tuple(parents.items()), value))
    return out


def build_evidence(case: Case, kb: KnowledgeBase, model: ChainModel, readings: Sequence[TestReading],
                   behaviours: Mapping[int, PainBehaviour]) -> CaseEvidence:
    """Translate a case into observations and likelihoods on the chain model's network (pure)."""
    m = kb.model
    network = NoisyOrNetwork(order=model.order, leak=model.leak, parents=model.node_parents())
    painful = painful_regions(case)
    observations: list[Observation] = []
    for region in kb.regions:
        parents = tuple((lk.cause, lk.weight) for lk in model.region_links(region))
        observations.append(Observation(f"pain:{region}", m.region_leak, parents, region in painful))
    provoked, eased = region_behaviours(case, behaviours)
    observations.extend(_behaviour_observations(kb, model, painful, provoked, eased))
    radiation = sorted({r for p in case.pain for r in p.radiation})
    for item in radiation:
        sources = tuple((s, m.radiation_link) for s in m.radiation.get(item, []) if s in network.leak)
        if sources:
            observations.append(Observation(f"radiation:{item}", m.radiation_leak, sources, True))
    kept, notes = reconcile_constructs(kb, readings)
    likelihoods = tuple(Likelihood(r.target, r.likelihood[0], r.likelihood[1]) for r in kept
                        if r.likelihood is not None)
    return CaseEvidence(network=network, observations=tuple(observations), likelihoods=likelihoods,
                        painful=painful, provoked=provoked, eased=eased, construct_notes=notes)


def reconcile_constructs(kb: KnowledgeBase, readings: Sequence[TestReading]
                         ) -> tuple[list[TestReading], tuple[str, ...]]:
    """Keep one reading per (construct, impairment): the most valid test's; say so when the others disagree.

    Tests of one construct (tests.yaml `construct`) measure the same thing, so repeating the measure in another
    position or by another procedure must not multiply its weight. Readings inside the error band carry no
    likelihood and never win over a reading that does.
    """
    best: dict[tuple[str, str], TestReading] = {}
    grouped: dict[tuple[str, str], list[TestReading]] = {}
    kept: list[TestReading] = []
    for r in readings:
        group = kb.tests[r.test_id].construct_group
        if group is None:
            kept.append(r)
            continue
        key = (group.id, r.target)
        grouped.setdefault(key, []).append(r)
        current = best.get(key)
        if current is None or _construct_order(kb, r) < _construct_order(kb, current):
            best[key] = r
    notes: list[str] = []
    for key, members in grouped.items():
        chosen = best[key]
        kept.append(chosen)
        others = [r for r in members if r is not chosen]
        if any(r.state != chosen.state for r in others):
            shown = ", ".join(f"{r.test_id} {r.state}" for r in others)
            notes.append(f"{key[0]} → {key[1]}: {chosen.test_id} reads {chosen.state} and is used (the more valid "
                         f"test of this construct); the other readings disagree ({shown}) and are not counted again")
    return kept, tuple(notes)


def _construct_order(kb: KnowledgeBase, r: TestReading) -> tuple[bool, int]:
    group = kb.tests[r.test_id].construct_group
    return (r.likelihood is None, group.validity_rank if group is not None else 99)
