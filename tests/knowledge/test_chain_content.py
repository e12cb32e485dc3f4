"""Content rules for the chain part of the knowledge base that the generic loader does not check.

Covers references, regions, impairments, edges, seed claims and activities: the specification's tables
are represented completely and consistently.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from kinetrace.knowledge.schema import Activity, Edge, Impairment, NodeKind, Reference, Region, SeedClaim

DATA = Path(str(resources.files("kinetrace.knowledge") / "data"))

# §A.2 grades (mech, pain), copied from the specification table.
SPEC_GRADES = {
    "E01": ("B", "C"), "E02": ("C", "EO"), "E03": ("—", "C"), "E04": ("B/C", "EO"), "E05": ("EO", "EO"),
    "E06": ("B", "C"), "E07": ("C", "C"), "E08": ("C", "EO ✗"), "E09": ("B", "B"), "E10": ("B", "EO"),
    "E11": ("A/B", "—"), "E12": ("—", "C"), "E13": ("EO", "EO"), "E14": ("EO", "EO ✗"), "E15": ("C", "C"),
    "E16": ("B", "B"), "E17": ("C", "—"), "E18": ("B", "C"), "E19": ("EO", "EO"), "E20": ("B", "B"),
    "E21": ("C", "C"), "E22": ("C", "C"), "E23": ("C", "C"), "E24": ("EO ✗", "EO ✗"), "E25": ("EO ✗", "EO ✗"),
    "E26": ("B", "—"), "E27": ("B", "B"), "E28": ("EO ✗", "EO"), "E29": ("—", "A"), "E30": ("C", "C"),
    "E31": ("B", "B"), "E32": ("B", "B"), "E33": ("B", "B"), "E34": ("—", "—"),
}
VISCERAL_CONDITIONS = {"cardiac_cause_suspected", "aortic_dissection_suspected", "aaa_suspected"}


@cache
def _raw(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{name} must hold a top-level list"
    return data


def _entries(name: str, model: type[BaseModel]) -> dict[str, Any]:
    return {item["id"]: model.model_validate(item) for item in _raw(name)}


@pytest.fixture(scope="module")
def kb() -> dict[str, dict[str, Any]]:
    return {
        "references": _entries("references.yaml", Reference),
        "regions": _entries("regions.yaml", Region),
        "impairments": _entries("impairments.yaml", Impairment),
        "edges": _entries("edges.yaml", Edge),
        "seed_claims": _entries("seed_claims.yaml", SeedClaim),
        "activities": _entries("activities.yaml", Activity),
    }


@pytest.mark.parametrize("name", ["references.yaml", "regions.yaml", "impairments.yaml", "edges.yaml",
                                  "seed_claims.yaml", "activities.yaml"])
def test_ids_are_unique(name: str) -> None:
    ids = [item["id"] for item in _raw(name)]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_every_cited_key_resolves(kb: dict[str, dict[str, Any]]) -> None:
    refs = kb["references"]
    cited = {r for table in ("regions", "impairments", "edges", "seed_claims") for e in kb[table].values()
             for r in e.refs}
    cited |= {r for i in kb["impairments"].values() for link in i.local_to for r in link.refs}
    assert cited - set(refs) == set()
    assert {f"SEED-00{n}" for n in range(5)} <= set(refs)


def test_regions_form_the_chain(kb: dict[str, dict[str, Any]]) -> None:
    regions = kb["regions"]
    assert sorted(r.order for r in regions.values()) == list(range(12))
    assert regions["foot"].order == 0 and regions["head"].order == 11
    for r in regions.values():
        for n in r.neighbours:
            assert r.id in regions[n].neighbours, f"{r.id} ↔ {n} is not symmetric"


def test_every_region_has_a_local_source(kb: dict[str, dict[str, Any]]) -> None:
    covered = {link.region for i in kb["impairments"].values() for link in i.local_to}
    assert set(kb["regions"]) - covered == set()


def test_priors_are_bounded_and_local_lbp_is_highest(kb: dict[str, dict[str, Any]]) -> None:
    priors = {i.id: i.prior for i in kb["impairments"].values()}
    assert all(0.02 <= p <= 0.40 for p in priors.values()), priors
    top = priors.pop("nonspecific_local_lbp")
    assert top > max(priors.values())


def test_edges_match_the_specification(kb: dict[str, dict[str, Any]]) -> None:
    edges = kb["edges"]
    assert [e for e in edges if e.startswith("E")] == [f"E{n:02d}" for n in range(1, 35)]
    # seed-only chains (S01…) carry no literature grade above EO ✗ and are seed-profile entries
    for eid in (e for e in edges if e.startswith("S")):
        assert edges[eid].profile == "seed" and "✗" in edges[eid].grades.pain, eid
    for eid, (mech, pain) in SPEC_GRADES.items():
        assert (edges[eid].grades.mech, edges[eid].grades.pain) == (mech, pain), eid


def test_edge_nodes_resolve(kb: dict[str, dict[str, Any]]) -> None:
    nodes, regions = set(kb["impairments"]), set(kb["regions"])
    for e in kb["edges"].values():
        causes = nodes | VISCERAL_CONDITIONS if e.kind == "visceral" else nodes
        assert set(e.cause) <= causes, e.id
        assert set(e.effect) <= nodes | regions, e.id
        assert set(e.via) <= nodes, e.id


def test_seed_only_edges_are_marked_seed(kb: dict[str, dict[str, Any]]) -> None:
    for e in kb["edges"].values():
        if e.grades.pain in {"EO", "EO ✗"} and set(e.effect) <= set(kb["regions"]):
            assert e.profile == "seed", e.id


def test_claims_and_edges_point_at_each_other(kb: dict[str, dict[str, Any]]) -> None:
    claims, edges = kb["seed_claims"], kb["edges"]
    assert list(claims) == [f"G{n}" for n in range(1, 23)]
    for c in claims.values():
        for eid in c.edges:
            assert c.id in edges[eid].seed_claims, (c.id, eid)
    for e in edges.values():
        for cid in e.seed_claims:
            assert e.id in claims[cid].edges, (e.id, cid)
    assert {c.id for c in claims.values() if not c.generate} == {"G2", "G3"}


def test_head_tilt_is_observation_only(kb: dict[str, dict[str, Any]]) -> None:
    observed = {i.id for i in kb["impairments"].values() if i.observation_only}
    assert observed == {"head_tilt_frontal"}


def test_local_sources_and_kinds(kb: dict[str, dict[str, Any]]) -> None:
    imps = kb["impairments"]
    assert imps["dynamic_knee_valgus"].kind == NodeKind.STATE
    assert {i.id for i in imps.values() if i.kind == NodeKind.MODIFIER} == {
        "psychosocial_risk_high", "psychosocial_risk_medium", "sedentary_behaviour"}
    assert all(i.local_to for i in imps.values() if i.kind == NodeKind.LOCAL)


def test_activity_keywords_are_lower_case_and_unique(kb: dict[str, dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for a in kb["activities"].values():
        for kw in a.keywords:
            assert kw == kw.lower().strip(), (a.id, kw)
            assert kw not in seen, f"{kw!r} in {a.id} and {seen.get(kw)}"
            seen[kw] = a.id
    assert 15 <= len(kb["activities"]) <= 25
