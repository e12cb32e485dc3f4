"""Chains from a node to a painful region, each link with its mechanism, grades and sources."""

from __future__ import annotations

from collections.abc import Sequence

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.reasoning.model import ChainModel, Link
from kinetrace.result import LinkExplanation, Path
from kinetrace.values import GradeLevel, weakest_level

__all__ = ["find_paths", "lowest_grade"]


def lowest_grade(grades: Sequence[str]) -> str:
    """Return the lowest named grade among grade strings ('—' and ✗ marks ignored); 'EO' if none."""
    return (weakest_level(grades) or GradeLevel.EO).value


def _explain_link(kb: KnowledgeBase, link: Link) -> LinkExplanation:
    if link.edge_id is None:
        node = kb.impairments[link.cause]
        refs = next((lt.refs for lt in node.local_to if lt.region == link.effect), node.refs)
        grade = next((lt.grade for lt in node.local_to if lt.region == link.effect), node.grade)
        return LinkExplanation(edge_id="local", cause=link.cause, effect=link.effect,
                               mechanism=f"{node.name} is a local source of pain in this region.",
                               mech_grade=grade, pain_grade=grade, grade=lowest_grade([grade]), refs=list(refs),
                               profile=node.profile)
    edge = kb.edges[link.edge_id]
    pair = [edge.grades.mech, edge.grades.pain] if link.to_region else [edge.grades.mech]
    return LinkExplanation(edge_id=edge.id, cause=link.cause, effect=link.effect, mechanism=edge.mechanism,
                           mech_grade=edge.grades.mech, pain_grade=edge.grades.pain, grade=lowest_grade(pair),
                           refs=list(edge.refs), profile=edge.profile)


def _walk(model: ChainModel, node: str, region: str, depth: int, seen: tuple[str, ...]) -> list[list[Link]]:
    out: list[list[Link]] = []
    for link in model.links:
        if link.cause != node or link.effect in seen:
            continue
        if link.to_region and link.effect == region:
            out.append([link])
        elif not link.to_region and depth > 1:
            out.extend([link, *rest] for rest in _walk(model, link.effect, region, depth - 1, (*seen, link.effect)))
    return out


def find_paths(kb: KnowledgeBase, model: ChainModel, node: str, regions: frozenset[str], *, limit: int = 3
               ) -> list[Path]:
    """Return the strongest chains (at most `max_chain_length` links) from `node` to each painful region."""
    paths: list[Path] = []
    for region in sorted(regions):
        for chain in _walk(model, node, region, kb.model.max_chain_length, (node,)):
            strength = 1.0
            for link in chain:
                strength *= link.weight
            links = [_explain_link(kb, lk) for lk in chain]
            grade = lowest_grade([lk.grade for lk in links])
            names = [kb.name_of(node), *(kb.name_of(lk.effect) for lk in chain)]
            ids = " → ".join(lk.edge_id for lk in links)
            text = f"{' → '.join(names)} ({ids}; weakest evidence grade {grade})"
            paths.append(Path(region=region, nodes=[node, *(lk.effect for lk in chain)], links=links,
                              strength=round(strength, 6), grade=grade, text=text))
    paths.sort(key=lambda p: (-p.strength, p.region))
    return paths[:limit]
