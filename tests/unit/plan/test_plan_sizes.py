"""How many specific plan items a plan holds comes from model.yaml's plan_sizes (a design default in data)."""

from __future__ import annotations

import dataclasses
from importlib import resources

from kinetrace import assess, load_case, load_knowledge

CASE = resources.files("kinetrace") / "examples" / "seed_002_hip_to_neck.yaml"  # several targeted items


def _specific_items(max_items: int, per_target: int) -> int:
    kb = load_knowledge()
    sizes = kb.model.plan_sizes.model_copy(update={"max_targeted_items": max_items,
                                                   "per_target": {"evidence": per_target, "seed": per_target}})
    small = dataclasses.replace(kb, model=kb.model.model_copy(update={"plan_sizes": sizes}))
    result = assess(load_case(str(CASE)), small)
    return sum(1 for p in result.plan if p.layer == "specific")


def test_plan_sizes_bound_the_specific_layer() -> None:
    shipped = load_knowledge().model.plan_sizes
    full = _specific_items(shipped.max_targeted_items, shipped.per_target["evidence"])
    assert 1 < full <= shipped.max_targeted_items * shipped.per_target["evidence"]
    assert _specific_items(1, 1) == 1  # one item, one intervention: the data alone shortens the plan
