"""Exact posterior marginals in a noisy-OR Bayesian network with leaks.

Every hidden node `x` is binary with a noisy-OR conditional: P(x = 0 | parents) = (1 − leak) · Π (1 − w_p)^p.
Roots are the same with no parents, so their leak is their prior. Evidence comes as observed noisy-OR children
(painful regions, behaviours) and as unary likelihoods on single nodes (test readings).

Method: each positive noisy-OR observation is rewritten as a sum over one auxiliary binary variable z,
1 − (1 − l)·Π g_p(x_p) = Σ_z h(z) Π f_p(x_p, z) (Heckerman's Quickscore; Díez & Galán 2003). Negative observations
and test readings are unary factors. Given the auxiliaries, groups of hidden nodes linked by parent arrows are
independent, so each group is summed exactly over its own joint states, and the evidence probability and every
marginal are exact sums over the 2^k settings of the k positive observations. `enumerate_posteriors` does the same
job by brute force over all hidden states; the tests check one against the other.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Likelihood", "NoisyOrNetwork", "Observation", "enumerate_posteriors", "posteriors"]

_MAX_AUX = 20  # 2^20 settings of the auxiliaries is the most this exact method sums over
_MAX_GROUP = 16  # largest group of hidden nodes linked by parent arrows


@dataclass(frozen=True)
class NoisyOrNetwork:
    """Hidden binary nodes with noisy-OR parents; `order` is topological (parents first)."""

    order: tuple[str, ...]
    leak: Mapping[str, float]
    parents: Mapping[str, tuple[tuple[str, float], ...]]


@dataclass(frozen=True)
class Observation:
    """An observed noisy-OR child of hidden nodes (a painful region, a behaviour)."""

    id: str
    leak: float
    parents: tuple[tuple[str, float], ...]
    value: bool


@dataclass(frozen=True)
class Likelihood:
    """A unary evidence factor: P(reading | node present), P(reading | node absent)."""

    node: str
    if_present: float
    if_absent: float


def _components(net: NoisyOrNetwork) -> list[list[str]]:
    """Group hidden nodes linked by parent arrows; each group is summed exactly on its own."""
    root = {n: n for n in net.order}

    def find(n: str) -> str:
        while root[n] != n:
            root[n] = root[root[n]]
            n = root[n]
        return n

    for n in net.order:
        for p, _ in net.parents.get(n, ()):
            root[find(p)] = find(n)
    groups: dict[str, list[str]] = {}
    for n in net.order:  # keeps topological order inside each group
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


def _unary(net: NoisyOrNetwork, observations: Sequence[Observation], likelihoods: Sequence[Likelihood]
           ) -> dict[str, list[float]]:
    phi = {n: [1.0, 1.0] for n in net.order}
    for lk in likelihoods:
        phi[lk.node][1] *= lk.if_present
        phi[lk.node][0] *= lk.if_absent
    for obs in observations:
        if not obs.value:
            for p, w in obs.parents:
                phi[p][1] *= 1.0 - w
    return phi


def _group_tables(net: NoisyOrNetwork, group: Sequence[str], phi: Mapping[str, list[float]],
                  positives: Sequence[Observation]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (states, weight of each joint state, log factor per positive observation) for one group."""
    k = len(group)
    if k > _MAX_GROUP:
        raise ValueError(f"a group of {k} linked hidden nodes is too large to sum exactly")
    states = ((np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1).astype(bool)
    col = {n: i for i, n in enumerate(group)}
    weight = np.ones(2**k)
    for i, n in enumerate(group):
        off = np.full(2**k, 1.0 - net.leak[n])
        for p, w in net.parents.get(n, ()):
            off *= np.where(states[:, col[p]], 1.0 - w, 1.0)
        weight *= np.where(states[:, i], (1.0 - off) * phi[n][1], off * phi[n][0])
    logs = np.zeros((2**k, len(positives)))
    with np.errstate(divide="ignore"):
        for j, obs in enumerate(positives):
            for p, w in obs.parents:
                if p in col:
                    logs[:, j] += np.where(states[:, col[p]], np.log(1.0 - w), 0.0)
    return states, weight, logs


def posteriors(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
               likelihoods: Sequence[Likelihood] = ()) -> dict[str, float]:
    """Return the exact posterior P(node = 1 | evidence) of every hidden node.

    >>> net = NoisyOrNetwork(order=("a",), leak={"a": 0.2}, parents={})
    >>> # hand-worked: 0.2 · 0.82 / (0.2 · 0.82 + 0.8 · 0.1) = 0.6721
    >>> round(posteriors(net, [Observation("pain", 0.1, (("a", 0.8),), True)])["a"], 4)
    0.6721
    """
    phi = _unary(net, observations, likelihoods)
    positives = [o for o in observations if o.value]
    n_aux = len(positives)
    if n_aux > _MAX_AUX:
        raise ValueError(f"too many positive observations for exact summation: {n_aux}")
    settings = ((np.arange(2**n_aux)[:, None] >> np.arange(n_aux)[None, :]) & 1).astype(float)
    h = np.prod(np.where(settings.astype(bool), -(1.0 - np.array([o.leak for o in positives])), 1.0), axis=1)
    sums: list[np.ndarray] = []
    numerators: list[tuple[list[str], np.ndarray]] = []
    groups = _components(net)
    singles = [g[0] for g in groups if len(g) == 1]
    if singles:  # independent roots, all at once: S = (1 − l)·φ0 + l·φ1·Π(1 − w)^z
        col = {n: i for i, n in enumerate(singles)}
        logs = np.zeros((len(singles), n_aux))
        with np.errstate(divide="ignore"):
            for j, obs in enumerate(positives):
                for p, w in obs.parents:
                    if p in col:
                        logs[col[p], j] += np.log(1.0 - w)
        on = np.array([net.leak[n] * phi[n][1] for n in singles])
        off = np.array([(1.0 - net.leak[n]) * phi[n][0] for n in singles])
        present = np.exp(settings @ logs.T) * on[None, :]
        single_sums = present + off[None, :]
        for i, n in enumerate(singles):
            sums.append(single_sums[:, i])
            numerators.append(([n], present[:, i : i + 1]))
    for group in (g for g in groups if len(g) > 1):
        states, weight, logs = _group_tables(net, group, phi, positives)
        factor = np.exp(settings @ logs.T) * weight[None, :]  # (settings, joint states)
        sums.append(factor.sum(axis=1))
        numerators.append((group, factor @ states.astype(float)))
    total = h * np.prod(np.array(sums), axis=0) if sums else h
    evidence = float(total.sum())
    if evidence <= 0:
        raise ValueError("the evidence has zero probability under the model")
    result: dict[str, float] = {}
    for s, (group, numer) in zip(sums, numerators, strict=True):
        marg = (total / s) @ numer / evidence
        result.update({n: float(min(1.0, max(0.0, marg[i]))) for i, n in enumerate(group)})
    return result


def enumerate_posteriors(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
                         likelihoods: Sequence[Likelihood] = ()) -> dict[str, float]:
    """Brute-force reference: sum the full joint over every hidden state (use on small networks only)."""
    nodes = list(net.order)
    total = 0.0
    marg = dict.fromkeys(nodes, 0.0)
    for bits in itertools.product((0, 1), repeat=len(nodes)):
        x = dict(zip(nodes, bits, strict=True))
        p = 1.0
        for n in nodes:
            off = (1.0 - net.leak[n]) * float(np.prod([(1.0 - w) ** x[q] for q, w in net.parents.get(n, ())]))
            p *= (1.0 - off) if x[n] else off
        for lk in likelihoods:
            p *= lk.if_present if x[lk.node] else lk.if_absent
        for obs in observations:
            off = (1.0 - obs.leak) * float(np.prod([(1.0 - w) ** x[q] for q, w in obs.parents]))
            p *= (1.0 - off) if obs.value else off
        total += p
        for n in nodes:
            if x[n]:
                marg[n] += p
    return {n: marg[n] / total for n in nodes}
