"""A case's evidence as network observations: painful regions, behaviours, radiation, test readings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kinetrace.findings.normalise import TestReading
from kinetrace.intake.activities import PainBehaviour
from kinetrace.intake.case import Case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.reasoning.inference import Likelihood, NoisyOrNetwork, Observation
from kinetrace.reasoning.model import ChainModel

__all__ = ["CaseEvidence", "build_evidence", "painful_regions", "region_behaviours"]


@dataclass(frozen=True)
class CaseEvidence:
    """The network and everything observed in one case."""

    network: NoisyOrNetwork
    observations: tuple[Observation, ...]
    likelihoods: tuple[Likelihood, ...]
    painful: frozenset[str]
    provoked: Mapping[str, frozenset[str]]  # region → behaviours that provoke its pain
    eased: Mapping[str, frozenset[str]]


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
                       ) -> tuple[tuple[str, float], ...]:
    m = kb.model
    parents: dict[str, float] = {}
    for link in model.region_links(region):
        if link.edge_id is not None and behaviour in kb.edges[link.edge_id].behaviour:
            parents[link.cause] = m.behaviour_link
        if link.is_local and behaviour in m.local_behaviours.get(link.cause, []):
            parents[link.cause] = m.local_behaviour_link
    return tuple(parents.items())


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
    for region in painful:
        for value, signatures in ((True, provoked.get(region, frozenset())), (False, eased.get(region, frozenset()))):
            for b in sorted(signatures):
                parents = _behaviour_parents(kb, model, region, b)
                if parents:
                    observations.append(Observation(f"behaviour:{b}@{region}", m.behaviour_leak, parents, value))
    radiation = sorted({r for p in case.pain for r in p.radiation})
    for item in radiation:
        sources = tuple((s, m.radiation_link) for s in m.radiation.get(item, []) if s in network.leak)
        if sources:
            observations.append(Observation(f"radiation:{item}", m.radiation_leak, sources, True))
    likelihoods = tuple(Likelihood(r.target, r.likelihood[0], r.likelihood[1])
                        for r in readings if r.likelihood is not None)
    return CaseEvidence(network=network, observations=tuple(observations), likelihoods=likelihoods,
                        painful=painful, provoked=provoked, eased=eased)
