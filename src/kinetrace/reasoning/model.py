"""Build the chain model (a noisy-OR Bayesian network) from the knowledge base, for one reasoning profile.

Profiles:
- `evidence` (default): a link's strength follows the lower of its grades (§0.1, §F.10); links the evidence
  contradicts (✗) are left out of the network and listed as claims you may have heard.
- `seed`: every link a seed article asserts is taken at face value (one fixed strength, ✗ or not), labelled as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from kinetrace.errors import InputError, KnowledgeError
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import Edge, EdgeKind, NodeKind
from kinetrace.values import GradeLevel

__all__ = ["PROFILE_LABELS", "ChainModel", "Link", "Profile", "build_model", "link_grade"]

Profile = Literal["evidence", "seed"]

PROFILE_LABELS: dict[str, str] = {
    "evidence": "Evidence profile: link strengths follow the published evidence grades; contradicted links are "
    "shown as claims, never ranked.",
    "seed": "SEED PROFILE: the seed articles' chains taken at face value, as their authors tell them. These are "
    "practitioner claims, not established evidence; see the evidence grade of every link.",
}


@dataclass(frozen=True)
class Link:
    """One weighted arrow of the network: cause node → effect node or painful region."""

    cause: str
    effect: str
    weight: float
    edge_id: str | None  # the edge it comes from; None for a local source explaining its own region
    grade: str
    to_region: bool

    @property
    def is_local(self) -> bool:
        """Return whether this link is a local source explaining pain in its own region (no edge)."""
        return self.edge_id is None


@dataclass(frozen=True)
class ChainModel:
    """The network for one profile: hidden nodes in topological order, links, and what was left out."""

    profile: Profile
    order: tuple[str, ...]
    leak: Mapping[str, float]
    links: tuple[Link, ...]
    contradicted: tuple[str, ...]  # edge ids left out (evidence profile)

    def node_parents(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """Return, per hidden node, its (parent, weight) pairs."""
        out: dict[str, list[tuple[str, float]]] = {n: [] for n in self.order}
        for link in self.links:
            if not link.to_region:
                out[link.effect].append((link.cause, link.weight))
        return {n: tuple(v) for n, v in out.items()}

    def region_links(self, region: str) -> tuple[Link, ...]:
        """Return the links ending in pain in `region`."""
        return self._links_by_region.get(region, ())

    @cached_property
    def _links_by_region(self) -> dict[str, tuple[Link, ...]]:
        # Built once per model: every assessment asks for each painful region's links, several times.
        out: dict[str, list[Link]] = {}
        for link in self.links:
            if link.to_region:
                out.setdefault(link.effect, []).append(link)
        return {region: tuple(links) for region, links in out.items()}


def link_grade(edge: Edge, *, to_region: bool) -> tuple[GradeLevel | None, bool]:
    """Return (the grade that governs the link, is it contradicted).

    A link into a painful region is governed by the lower of its mechanism and pain grades; a link into a
    postural or movement state by its mechanism grade. "—" grades are skipped.
    """
    parts = [edge.grades.mech, edge.grades.pain] if to_region else [edge.grades.mech]
    named = [g for g in parts if g.applies] or [edge.grades.pain]
    contradicted = edge.grades.mech.is_contradicted or edge.grades.pain.is_contradicted
    return GradeLevel.weakest(g.weakest for g in named if g.weakest is not None), contradicted


def _edge_links(kb: KnowledgeBase, edge: Edge, profile: Profile) -> tuple[list[Link], bool]:
    m = kb.model
    links: list[Link] = []
    contradicted_any = False
    for effect in edge.effect:
        to_region = effect in kb.regions
        grade, contradicted = link_grade(edge, to_region=to_region)
        scale = m.link_scale if to_region else m.state_link_scale
        if profile == "seed" and edge.seeds:
            weight = scale * m.seed_profile_weight
        elif contradicted or grade is None:
            contradicted_any = True
            continue
        else:
            weight = scale * m.grade_weights[grade]
        shown = f"{edge.grades.mech}/{edge.grades.pain}"
        links.extend(Link(c, effect, weight, edge.id, shown, to_region) for c in edge.cause)
    return links, contradicted_any


def _local_links(kb: KnowledgeBase) -> list[Link]:
    m = kb.model
    links = []
    for node in kb.impairments.values():
        for local in node.local_to:
            weight = m.link_scale * m.grade_weights[local.grade.weakest or GradeLevel.EO]
            links.append(Link(node.id, local.region, weight, None, local.grade, True))
    return links


def _topological(nodes: list[str], links: list[Link]) -> tuple[str, ...]:
    parents = {n: {lk.cause for lk in links if not lk.to_region and lk.effect == n} for n in nodes}
    done: list[str] = []
    placed: set[str] = set()
    while len(done) < len(nodes):
        ready = [n for n in nodes if n not in placed and parents[n] <= placed]
        if not ready:
            stuck = sorted(n for n in nodes if n not in placed)
            raise KnowledgeError([f"edges.yaml: the links among {stuck} form a cycle"])
        done.extend(ready)
        placed.update(ready)
    return tuple(done)


@lru_cache(maxsize=16)
def _build(kb: KnowledgeBase, profile: Profile) -> ChainModel:
    links: list[Link] = []
    contradicted: list[str] = []
    for edge in kb.edges.values():
        if edge.kind in (EdgeKind.VISCERAL, EdgeKind.PROGNOSTIC):
            continue
        edge_links, left_out = _edge_links(kb, edge, profile)
        links.extend(edge_links)
        if left_out:
            contradicted.append(edge.id)
    links.extend(_local_links(kb))
    nodes = [n.id for n in kb.impairments.values()]
    leak = {n.id: n.prior for n in kb.impairments.values()}
    return ChainModel(
        profile=profile,
        order=_topological(nodes, links),
        leak=leak,
        links=tuple(links),
        contradicted=tuple(contradicted),
    )


def build_model(kb: KnowledgeBase, profile: str = "evidence") -> ChainModel:
    """Return the chain model of `kb` under `profile` ('evidence' or 'seed'); cached per knowledge base."""
    if profile not in PROFILE_LABELS:
        raise InputError("profile", profile, "evidence or seed")
    return _build(kb, "seed" if profile == "seed" else "evidence")


def is_rankable(kb: KnowledgeBase, node_id: str) -> bool:
    """Return whether a node may appear in the ranking (observation-only entries never do)."""
    node = kb.impairments[node_id]
    return not node.observation_only and node.kind != NodeKind.STATE
