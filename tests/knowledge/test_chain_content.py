"""The chain part of the knowledge base matches the specification's tables (clinical.md §A, §C, §G).

The general content rules (symmetric neighbours, a local source for every region, priors in range, seed-only
edges marked seed, claims and edges pointing at each other, lower-case keywords) are loader rules in
`knowledge/integrity.py`, so `kinetrace kb validate` checks them; `test_integrity.py` breaks each one on a copy.
What stays here is the specification itself: these ids with these grades must be present.
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


def test_regions_run_from_foot_to_head(kb: dict[str, dict[str, Any]]) -> None:
    # §A.1: twelve regions, foot at the bottom of the chain and head at the top
    regions = kb["regions"]
    assert regions["foot"].order == 0 and regions["head"].order == len(regions) - 1


def test_local_lbp_has_the_highest_prior(kb: dict[str, dict[str, Any]]) -> None:
    priors = {i.id: i.prior for i in kb["impairments"].values()}
    top = priors.pop("nonspecific_local_lbp")
    assert top > max(priors.values())


def test_edges_match_the_specification(kb: dict[str, dict[str, Any]]) -> None:
    # every edge of the §A.2 table is present with its grades; edges added after it (E35…) are free to exist
    edges = kb["edges"]
    for eid, (mech, pain) in SPEC_GRADES.items():
        assert (edges[eid].grades.mech, edges[eid].grades.pain) == (mech, pain), eid


def test_the_specification_claims_are_present(kb: dict[str, dict[str, Any]]) -> None:
    # §G lists claims G1–G22; the loader checks that claims and edges point at each other
    claims = kb["seed_claims"]
    assert {f"G{n}" for n in range(1, 23)} <= set(claims)
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


def test_activity_vocabulary_has_a_usable_size(kb: dict[str, dict[str, Any]]) -> None:
    assert 15 <= len(kb["activities"]) <= 25
