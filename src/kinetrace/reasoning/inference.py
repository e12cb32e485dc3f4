"""Exact posterior marginals in a noisy-OR Bayesian network with leaks.

Every hidden node `x` is binary with a noisy-OR conditional: P(x = 0 | parents) = (1 − leak) · Π (1 − w_p)^p.
Roots are the same with no parents, so their leak is their prior. Evidence comes as observed noisy-OR children
(painful regions, behaviours) and as unary likelihoods on single nodes (test readings).

Method: each noisy-OR factor that must take the value 1 is rewritten as a sum over one auxiliary binary
variable z, 1 − (1 − l)·Π g_p(x_p) = Σ_z h(z) Π f_p(x_p, z) (Díez & Galán 2003; the same identity as Heckerman's
Quickscore). Given all z, the hidden nodes are independent, so the evidence probability and every marginal are
exact sums over the 2^|z| settings of z — one auxiliary per positive observation and per non-root hidden node that
carries evidence at or below it. Barren nodes (no evidence below) are left out, which is exact, and their
marginals are computed in a small extra pass. `enumerate_posteriors` does the same job by brute force over all
hidden states and is used by the tests to check this module.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Likelihood", "NoisyOrNetwork", "Observation", "enumerate_posteriors", "posteriors"]

_MAX_AUX = 20  # 2^20 settings is the most this exact method is allowed to sum over


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


def _ancestors(net: NoisyOrNetwork, nodes: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        stack.extend(p for p, _ in net.parents.get(n, ()))
    return seen


def _unary(net: NoisyOrNetwork, observations: Sequence[Observation], likelihoods: Sequence[Likelihood]
           ) -> tuple[dict[str, list[float]], set[str]]:
    phi = {n: [1.0, 1.0] for n in net.order}
    touched: set[str] = set()
    for lk in likelihoods:
        phi[lk.node][1] *= lk.if_present
        phi[lk.node][0] *= lk.if_absent
        touched.add(lk.node)
    for obs in observations:
        touched.update(p for p, _ in obs.parents)
        if not obs.value:
            for p, w in obs.parents:
                phi[p][1] *= 1.0 - w
    return phi, touched


def _pass(net: NoisyOrNetwork, active: Sequence[str], phi: Mapping[str, list[float]],
          positives: Sequence[Observation]) -> dict[str, float]:
    """Exact marginals P(x = 1 | e) of the `active` nodes (an ancestrally closed set)."""
    index = {n: i for i, n in enumerate(active)}
    aux_links: list[list[tuple[int, float]]] = []  # per auxiliary: (node index, weight) of its parent links
    aux_h: list[tuple[int | None, float]] = []  # per auxiliary: (own node index or None for an observation, leak)
    for n in active:
        pars = [(index[p], w) for p, w in net.parents.get(n, ()) if p in index]
        if pars:
            aux_links.append(pars)
            aux_h.append((index[n], net.leak[n]))
    for obs in positives:
        aux_links.append([(index[p], w) for p, w in obs.parents if p in index])
        aux_h.append((None, obs.leak))
    n_aux = len(aux_links)
    if n_aux > _MAX_AUX:
        raise ValueError(f"network too entangled for exact summation: {n_aux} auxiliaries")
    settings = ((np.arange(2**n_aux)[:, None] >> np.arange(n_aux)[None, :]) & 1).astype(bool)
    g = np.empty((settings.shape[0], len(active), 2))
    for i, n in enumerate(active):
        is_root = not any(p in index for p, _ in net.parents.get(n, ()))
        prior = (1.0 - net.leak[n], net.leak[n]) if is_root else (1.0, 1.0)
        g[:, i, 0] = prior[0] * phi[n][0]
        g[:, i, 1] = prior[1] * phi[n][1]
    h = np.ones(settings.shape[0])
    for k, (links, (own, leak)) in enumerate(zip(aux_links, aux_h, strict=True)):
        on = settings[:, k]
        for i, w in links:
            g[:, i, 1] *= np.where(on, 1.0 - w, 1.0)
        if own is None:
            h *= np.where(on, -(1.0 - leak), 1.0)
        else:
            g[:, own, 0] *= np.where(on, 1.0 - leak, 0.0)
            g[:, own, 1] *= np.where(on, -(1.0 - leak), 1.0)
    s = g.sum(axis=2)
    ones = np.ones((s.shape[0], 1))
    prefix = np.cumprod(np.hstack([ones, s[:, :-1]]), axis=1)
    suffix = np.cumprod(np.hstack([ones, s[:, :0:-1]]), axis=1)[:, ::-1]
    leave_one_out = prefix * suffix
    evidence = float(np.sum(h * prefix[:, -1] * s[:, -1])) if len(active) else float(np.sum(h))
    numer = (h[:, None] * leave_one_out * g[:, :, 1]).sum(axis=0)
    if evidence <= 0:
        raise ValueError("the evidence has zero probability under the model")
    return {n: float(min(1.0, max(0.0, numer[i] / evidence))) for i, n in enumerate(active)}


def posteriors(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
               likelihoods: Sequence[Likelihood] = ()) -> dict[str, float]:
    """Return the exact posterior P(node = 1 | evidence) of every hidden node.

    >>> net = NoisyOrNetwork(order=("a",), leak={"a": 0.2}, parents={})
    >>> round(posteriors(net, [Observation("pain", 0.1, (("a", 0.8),), True)])["a"], 4)
    0.6552
    """
    phi, touched = _unary(net, observations, likelihoods)
    positives = [o for o in observations if o.value]
    active_set = _ancestors(net, touched)
    active = [n for n in net.order if n in active_set]
    result = _pass(net, active, phi, positives)
    for n in net.order:
        if n in result:
            continue
        if not any(p for p, _ in net.parents.get(n, ())):
            result[n] = net.leak[n]  # a barren root is independent of the evidence
            continue
        extended = active_set | _ancestors(net, [n])
        result[n] = _pass(net, [m for m in net.order if m in extended], phi, positives)[n]
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
