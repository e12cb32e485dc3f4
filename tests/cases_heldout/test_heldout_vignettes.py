"""Held-out clinical vignettes (issue 10 bar): no under-triage, nothing forbidden first, top-1 agreement ≥ 90 %.

The vignettes in this folder were written from research/clinical.md alone and never used to tune the engine.
Each holds `vignette` (the story), `expect` and `case` (kinetrace.case/1). `expect` keys:
- min_action: the least serious triage action that is safe (§E); anything less serious is under-triage.
- top: the acceptable first ranked ids (one is the specification's answer; two or more where §0.2 rule 3 lets a
  local source and a remote contributor both stand first).
- forbidden_top: ids that must never stand first (mechanical items under a red flag, §E.4 rule 7; seed claims, §G).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kinetrace import assess, load_knowledge, parse_case
from kinetrace.result import Assessment
from kinetrace.safety.red_flags import action_rank

HERE = Path(__file__).parent
FILES = sorted(HERE.glob("*.yaml"))
TOP1_AGREEMENT = 0.90


def _load(path: Path) -> tuple[dict, Assessment]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc["expect"], assess(parse_case(doc["case"], source=path.name), load_knowledge())


def _first(result: Assessment) -> str | None:
    return result.ranking[0].id if result.ranking else None


def test_there_are_at_least_25_vignettes() -> None:
    assert len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_no_under_triage(path: Path) -> None:
    expect, result = _load(path)
    from kinetrace.knowledge.schema import ActionLevel

    assert action_rank(result.triage.action) <= action_rank(ActionLevel(expect["min_action"])), result.triage.summary


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_nothing_forbidden_ranked_first(path: Path) -> None:
    expect, result = _load(path)
    assert _first(result) not in set(expect.get("forbidden_top", [])), [i.id for i in result.ranking[:5]]


def test_top_1_agreement_is_at_least_90_percent() -> None:
    misses = []
    for path in FILES:
        expect, result = _load(path)
        if _first(result) not in expect["top"]:
            misses.append(f"{path.stem}: got {_first(result)}, expected one of {expect['top']}")
    agreement = 1 - len(misses) / len(FILES)
    assert agreement >= TOP1_AGREEMENT, f"top-1 agreement {agreement:.0%}; misses: {misses}"
