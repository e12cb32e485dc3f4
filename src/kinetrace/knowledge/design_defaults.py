"""Every expert-opinion (EO) number that feeds the reasoning network, with its plausible range and where it is used.

Keys are dotted paths a reviewer can read and an elicitation file can name:
`model.<number>` (model.yaml, e.g. `model.link_scale`, `model.grade_weights.B`,
`model.default_likelihoods.primary.abnormal.present`) and `impairments.<id>.prior`.
`with_numbers` returns the knowledge base with some of them replaced, by floats (a clinic's elicited values) or
by arrays of samples (Monte Carlo over the ranges); nothing else changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinetrace.knowledge.base import KnowledgeBase
from kinetrace.values import State, is_expert_opinion_source

__all__ = ["DesignDefault", "design_defaults", "range_problems", "with_numbers"]

_SCALARS = {
    "link_scale": "strength of every link into a painful region (× its grade weight)",
    "state_link_scale": "strength of every link into a postural or movement state (× its grade weight)",
    "region_leak": "chance of pain in a region with none of the modelled causes present",
    "behaviour_leak": "chance of a pain behaviour with none of the modelled causes present",
    "behaviour_link": "strength of a remote cause producing a behaviour its edge lists",
    "local_behaviour_link": "strength of a local source producing its ordinary mechanical behaviours",
    "radiation_link": "strength of a local source producing the radiation it explains",
    "radiation_leak": "chance of a radiation pattern with none of its sources present",
    "seed_profile_weight": "seed profile: the weight of every link a seed article asserts",
}


@dataclass(frozen=True)
class DesignDefault:
    """One EO number: its key, value, plausible range, source and where the reasoning uses it."""

    key: str
    value: float
    low: float | None
    high: float | None
    source: str
    used_by: str


def _model_numbers(kb: KnowledgeBase) -> dict[str, tuple[float, str]]:
    m = kb.model
    numbers = {f"model.{k}": (float(getattr(m, k)), text) for k, text in _SCALARS.items()}
    for grade, w in m.grade_weights.items():
        numbers[f"model.grade_weights.{grade}"] = (float(w), f"weight of every grade-{grade} link")
    rules = [r for t in kb.tests.values() for r in t.informs if r.accuracy is None]
    for role, table in m.default_likelihoods.items():
        n = sum(r.role == role for r in rules)
        for state, pair in table.items():
            for i, given in enumerate((State.PRESENT, State.ABSENT)):
                numbers[f"model.default_likelihoods.{role}.{state}.{given}"] = (
                    float(pair[i]), f"P({state} reading | impairment {given}) for the {n} {role} inform rules "
                                    "without published accuracy")
    return numbers


def design_defaults(kb: KnowledgeBase) -> list[DesignDefault]:
    """Return every EO number feeding the network, with its plausible range (None when the data gives none)."""
    u = kb.model.uncertainty
    ranges = u.ranges if u is not None else {}
    source = u.source if u is not None else "EO design default"
    out = []
    for key, (value, used) in _model_numbers(kb).items():
        span = ranges.get(key.removeprefix("model."))
        out.append(DesignDefault(key, value, span[0] if span else None, span[1] if span else None, source, used))
    for node in kb.impairments.values():
        if not is_expert_opinion_source(node.prior_source):
            continue
        low: float | None
        high: float | None
        if node.prior_plausible is not None:
            low, high = node.prior_plausible
        elif u is not None:
            low, high = node.prior / u.prior_factor, min(node.prior * u.prior_factor, max(u.prior_cap, node.prior))
        else:
            low = high = None
        out.append(DesignDefault(f"impairments.{node.id}.prior", node.prior, low, high, node.prior_source,
                                 f"prior probability of {node.name} ({node.kind.value})"))
    return out


def range_problems(kb: KnowledgeBase) -> list[str]:
    """Return problems with the plausible ranges: a missing range, a range not holding its value, an unknown key."""
    u = kb.model.uncertainty
    if u is None:
        return []
    problems = []
    known = {k.removeprefix("model.") for k in _model_numbers(kb)}
    for key in sorted(set(u.ranges) - known):
        problems.append(f"model.yaml: entry 'model', field uncertainty.ranges.{key}: unknown number; expected one "
                        f"of {', '.join(sorted(known))}")
    for d in design_defaults(kb):
        if d.low is None or d.high is None:
            problems.append(f"model.yaml: entry 'model', field uncertainty.ranges: {d.key.removeprefix('model.')} "
                            "has no plausible range; every EO number needs one")
        elif not d.low <= d.value <= d.high:
            problems.append(f"{d.key}: value {d.value:g} lies outside its plausible range [{d.low:g}, {d.high:g}]")
    return problems


def _model_update(kb: KnowledgeBase, numbers: Mapping[str, Any]) -> dict[str, Any]:
    m = kb.model
    update: dict[str, Any] = {}
    weights: dict[Any, Any] = dict(m.grade_weights)
    likelihoods: dict[str, dict[str, list[Any]]] = {
        role: {state: list(pair) for state, pair in table.items()} for role, table in m.default_likelihoods.items()}
    for key, value in numbers.items():
        parts = key.split(".")
        if parts[0] != "model":
            continue
        if parts[1] == "grade_weights":
            weights[parts[2]] = value
        elif parts[1] == "default_likelihoods":
            likelihoods[parts[2]][parts[3]][0 if parts[4] == State.PRESENT else 1] = value
        else:
            update[parts[1]] = value
    update["grade_weights"] = weights
    update["default_likelihoods"] = {role: {s: (p[0], p[1]) for s, p in table.items()}
                                     for role, table in likelihoods.items()}
    return update


def with_numbers(kb: KnowledgeBase, numbers: Mapping[str, Any], *, version: str | None = None) -> KnowledgeBase:
    """Return `kb` with the named EO numbers replaced (floats, or arrays of samples); keys as in `design_defaults`.

    The replacement skips validation on purpose (samples are arrays); callers validate elicited values first.
    """
    model = kb.model.model_copy(update=_model_update(kb, numbers))
    impairments = dict(kb.impairments)
    for key, value in numbers.items():
        parts = key.split(".")
        if parts[0] == "impairments":
            impairments[parts[1]] = impairments[parts[1]].model_copy(update={"prior": value})
    return dataclasses.replace(kb, model=model, impairments=impairments, version=version or kb.version)
