"""Exact posterior marginals in a noisy-OR Bayesian network with leaks, by junction-tree message passing.

Every hidden node `x` is binary with a noisy-OR conditional: P(x = 0 | parents) = (1 − leak) · Π (1 − w_p)^p.
Roots are the same with no parents, so their leak is their prior. Evidence comes as observed noisy-OR children
(painful regions, behaviours, radiation) and as unary likelihoods on single nodes (test readings).

Method. A negative observation and a test reading are unary factors. A positive observation y is rewritten with
one auxiliary binary variable z (Díez & Galán 2003): P(y = 1 | x) = Σ_z h(z) Π_p f_p(x_p, z) with h = (1, −(1 − l))
and f_p(x_p, 1) = (1 − w_p)^x_p, so it adds only pairwise factors. The hidden nodes and auxiliaries are then
eliminated in a greedy min-fill order; the elimination cliques form a junction tree on which Shafer–Shenoy
messages (no division, so the signed factors are safe) give every marginal in one inward and one outward pass.
The cost grows with the size of the largest clique, not with the number of positive observations, and nothing
is capped or clamped.

Every number may be a float or a 1-D array of `B` samples (Monte Carlo over the knowledge base's plausible
ranges): the whole computation carries a leading sample axis, so `B` networks with one structure are solved in
one pass. `enumerate_posteriors` is the brute-force reference used by the tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

import numpy as np
from numpy.typing import NDArray

__all__ = ["Likelihood", "NoisyOrNetwork", "Number", "Observation", "enumerate_posteriors", "posterior_samples",
           "posteriors"]

Number = Union[float, NDArray[np.float64]]  # noqa: UP007 (a runtime alias used in dataclass annotations)
Array = NDArray[np.float64]


@dataclass(frozen=True)
class NoisyOrNetwork:
    """Hidden binary nodes with noisy-OR parents; `order` is topological (parents first)."""

    order: tuple[str, ...]
    leak: Mapping[str, Number]
    parents: Mapping[str, tuple[tuple[str, Number], ...]]


@dataclass(frozen=True)
class Observation:
    """An observed noisy-OR child of hidden nodes (a painful region, a behaviour)."""

    id: str
    leak: Number
    parents: tuple[tuple[str, Number], ...]
    value: bool


@dataclass(frozen=True)
class Likelihood:
    """A unary evidence factor: P(reading | node present), P(reading | node absent)."""

    node: str
    if_present: Number
    if_absent: Number


@dataclass(frozen=True)
class _Factor:
    scope: tuple[int, ...]
    table: Array  # shape (B, 2, …, 2), one axis per scope variable


@dataclass
class _Clique:
    var: int
    scope: tuple[int, ...]  # the eliminated variable first
    parent: int | None = None  # index of the parent clique (by elimination position)
    children: list[int] = field(default_factory=list)
    factors: list[_Factor] = field(default_factory=list)


def _as_batch(value: Number, batch: int) -> Array:
    if isinstance(value, float | int):
        return np.array([float(value)] * batch)
    return np.broadcast_to(np.asarray(value, dtype=float), (batch,))


def _batch_size(net: NoisyOrNetwork, observations: Sequence[Observation], likelihoods: Sequence[Likelihood]
                ) -> int:
    sizes = {1}
    numbers: list[Number] = [*net.leak.values(), *(w for ps in net.parents.values() for _, w in ps)]
    for obs in observations:
        numbers += [obs.leak, *(w for _, w in obs.parents)]
    for lk in likelihoods:
        numbers += [lk.if_present, lk.if_absent]
    for value in numbers:
        sizes.add(int(np.size(value)))
    sizes.discard(1)
    if len(sizes) > 1:
        raise ValueError(f"sampled numbers have different sample counts: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def _merged(parents: Sequence[tuple[str, Number]], batch: int) -> dict[str, Array]:
    # two links from one parent act as one link of strength 1 − (1 − w1)(1 − w2); we keep 1 − w
    kept: dict[str, Number] = {}
    for p, w in parents:
        kept[p] = kept.get(p, 1.0) * (1.0 - w)
    return {p: _as_batch(v, batch) for p, v in kept.items()}


def _unary(net: NoisyOrNetwork, observations: Sequence[Observation], likelihoods: Sequence[Likelihood],
           batch: int) -> dict[str, Array]:
    phi = {n: np.ones((batch, 2)) for n in net.order}
    for lk in likelihoods:
        phi[lk.node][:, 0] *= lk.if_absent
        phi[lk.node][:, 1] *= lk.if_present
    for obs in observations:
        merged = _merged(obs.parents, batch)
        if not obs.value:
            for p, keep in merged.items():
                phi[p][:, 1] *= keep
        elif len(merged) == 1:  # one parent: P(y = 1 | x) is a unary factor, no auxiliary needed
            (p, keep), = merged.items()
            off = 1.0 - _as_batch(obs.leak, batch)
            phi[p][:, 0] *= 1.0 - off
            phi[p][:, 1] *= 1.0 - off * keep
    return phi


def _node_factor(index: Mapping[str, int], node: str, leak: Array, parents: Mapping[str, Array],
                 phi: Array) -> _Factor:
    """P(node | parents) · φ(node) as one table over (parents…, node)."""
    batch, m = leak.shape[0], len(parents)
    if m == 0:
        return _Factor((index[node],), np.stack([(1.0 - leak) * phi[:, 0], leak * phi[:, 1]], axis=1))
    off = (1.0 - leak).reshape((batch,) + (1,) * m)
    for k, keep in enumerate(parents.values()):
        shape = [batch] + [1] * m
        shape[k + 1] = 2
        off = off * np.stack([np.ones(batch), keep], 1).reshape(shape)
    off = np.broadcast_to(off, (batch,) + (2,) * m)
    lead = (batch,) + (1,) * m
    table = np.stack([off * phi[:, 0].reshape(lead), (1.0 - off) * phi[:, 1].reshape(lead)], axis=-1)
    return _Factor((*(index[p] for p in parents), index[node]), table)


def _positive_factors(index: Mapping[str, int], obs: Observation, z: int, batch: int) -> list[_Factor]:
    """Pairwise factors f_p(x_p, z), with h(z) = (1, −(1 − l)) folded into the first."""
    factors = []
    h = np.stack([np.ones(batch), -(1.0 - _as_batch(obs.leak, batch))], 1)
    for k, (p, keep) in enumerate(_merged(obs.parents, batch).items()):
        table = np.ones((batch, 2, 2))
        table[:, 1, 1] = keep
        if k == 0:
            table = table * h[:, None, :]
        factors.append(_Factor((index[p], z), table))
    return factors


def _factors(net: NoisyOrNetwork, observations: Sequence[Observation], likelihoods: Sequence[Likelihood],
             batch: int) -> tuple[list[_Factor], int]:
    index = {n: i for i, n in enumerate(net.order)}
    phi = _unary(net, observations, likelihoods, batch)
    factors = [_node_factor(index, n, _as_batch(net.leak[n], batch), _merged(net.parents.get(n, ()), batch),
                            phi[n]) for n in net.order]
    n_vars = len(net.order)
    for obs in observations:
        if obs.value and len({p for p, _ in obs.parents}) > 1:
            factors.extend(_positive_factors(index, obs, n_vars, batch))
            n_vars += 1
    return factors, n_vars


def _fill(adjacent: Mapping[int, set[int]], v: int) -> tuple[int, int]:
    nb = list(adjacent[v])
    missing = sum(1 for a, b in itertools.combinations(nb, 2) if b not in adjacent[a])
    return missing, len(nb)


def _elimination_order(n_vars: int, scopes: Sequence[tuple[int, ...]]) -> tuple[list[int], list[tuple[int, ...]]]:
    """Greedy min-fill order (ties: fewest neighbours, then lowest index) and each variable's clique."""
    adjacent: dict[int, set[int]] = {v: set() for v in range(n_vars)}
    for scope in scopes:
        for a, b in itertools.combinations(scope, 2):
            adjacent[a].add(b)
            adjacent[b].add(a)
    score = {v: _fill(adjacent, v) for v in adjacent}
    order: list[int] = []
    cliques: list[tuple[int, ...]] = []
    while score:
        v = min(score, key=lambda u: (score[u], u))
        nb = adjacent.pop(v)
        del score[v]
        order.append(v)
        cliques.append((v, *sorted(nb)))
        for a in nb:
            adjacent[a].discard(v)
            adjacent[a] |= nb - {a}
        for u in nb:  # other scores may go stale: a cheaper heuristic, never a wrong tree
            score[u] = _fill(adjacent, u)
    return order, cliques


@lru_cache(maxsize=256)
def _tree_shape(n_vars: int, scopes: tuple[tuple[int, ...], ...]
                ) -> tuple[tuple[tuple[int, tuple[int, ...], int | None], ...], tuple[int, ...]]:
    """The junction tree of one network structure: (variable, scope, parent) per clique, and each factor's clique.

    It depends only on which variables share factors, so it is cached: re-assessing a case, or its Monte Carlo
    samples, reuses it.
    """
    order, cliques = _elimination_order(n_vars, scopes)
    position = {v: i for i, v in enumerate(order)}
    shape = tuple((v, c, min((position[u] for u in c[1:]), default=None)) for v, c in zip(order, cliques,
                                                                                         strict=True))
    # the first-eliminated variable's clique holds the factor's whole scope
    return shape, tuple(min(position[v] for v in scope) for scope in scopes)


def _junction_tree(n_vars: int, factors: Sequence[_Factor]) -> list[_Clique]:
    shape, homes = _tree_shape(n_vars, tuple(f.scope for f in factors))
    cliques = [_Clique(var=v, scope=scope, parent=parent) for v, scope, parent in shape]
    for i, clique in enumerate(cliques):
        if clique.parent is not None:
            cliques[clique.parent].children.append(i)
    for f, home in zip(factors, homes, strict=True):
        cliques[home].factors.append(f)
    return cliques


def _contract(tables: Sequence[tuple[Array, tuple[int, ...]]], keep: tuple[int, ...], batch: int) -> Array:
    """Multiply tables over their scopes and sum out everything but `keep` (sample axis kept), rescaled."""
    labels: dict[int, int] = {}
    operands: list[Any] = []
    for table, scope in tables:
        operands += [table, [0, *(labels.setdefault(v, len(labels) + 1) for v in scope)]]
    for v in keep:
        if v not in labels:  # a kept variable no table mentions: a flat factor
            operands += [np.ones(2), [labels.setdefault(v, len(labels) + 1)]]
    if not tables:
        operands += [np.ones(batch), [0]]
    out: Array = np.einsum(*operands, [0, *(labels[v] for v in keep)])
    # one common scale keeps long products away from underflow; marginals are normalised at the end
    scale = float(np.abs(out).max())
    if scale == 0.0 or not np.isfinite(scale):
        return out
    scaled: Array = out / scale
    return scaled


def _calibrate(cliques: list[_Clique], batch: int) -> list[list[tuple[Array, tuple[int, ...]]]]:
    """Shafer–Shenoy: return, per clique, its factors and every message it receives."""
    inbox: list[list[tuple[Array, tuple[int, ...]]]] = [[(f.table, f.scope) for f in c.factors] for c in cliques]
    up: dict[int, tuple[Array, tuple[int, ...]]] = {}
    for i, clique in enumerate(cliques):  # children are eliminated before their parent
        if clique.parent is not None:
            sep = clique.scope[1:]
            up[i] = (_contract(inbox[i], sep, batch), sep)
            inbox[clique.parent].append(up[i])
    for i in range(len(cliques) - 1, -1, -1):
        clique = cliques[i]
        for child in clique.children:
            others = [t for t in inbox[i] if t is not up[child]]
            sep = cliques[child].scope[1:]
            inbox[child].append((_contract(others, sep, batch), sep))
    return inbox


def posterior_samples(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
                      likelihoods: Sequence[Likelihood] = ()) -> dict[str, Array]:
    """Return P(node = 1 | evidence) for every hidden node, one value per sample (shape (B,)).

    Raises:
        ValueError: the evidence has zero probability under the model, or sample counts differ.
    """
    batch = _batch_size(net, observations, likelihoods)
    factors, n_vars = _factors(net, observations, likelihoods, batch)
    cliques = _junction_tree(n_vars, factors)
    inbox = _calibrate(cliques, batch)
    result: dict[str, Array] = {}
    for i, clique in enumerate(cliques):
        if clique.var >= len(net.order):
            continue
        alone = len(clique.scope) == 1 and not clique.children and len(inbox[i]) == 1
        marginal = inbox[i][0][0] if alone else _contract(inbox[i], (clique.var,), batch)
        total = marginal.sum(axis=1)
        if np.any(total <= 0) or not np.all(np.isfinite(total)):
            raise ValueError("the evidence has zero probability under the model")
        result[net.order[clique.var]] = marginal[:, 1] / total
    return result


def posteriors(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
               likelihoods: Sequence[Likelihood] = ()) -> dict[str, float]:
    """Return the exact posterior P(node = 1 | evidence) of every hidden node.

    >>> net = NoisyOrNetwork(order=("a",), leak={"a": 0.2}, parents={})
    >>> # hand-worked: 0.2 · 0.82 / (0.2 · 0.82 + 0.8 · 0.1) = 0.6721
    >>> round(posteriors(net, [Observation("pain", 0.1, (("a", 0.8),), True)])["a"], 4)
    0.6721
    """
    return {n: float(v[0]) for n, v in posterior_samples(net, observations, likelihoods).items()}


def enumerate_posteriors(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
                         likelihoods: Sequence[Likelihood] = ()) -> dict[str, float]:
    """Brute-force reference: sum the full joint over every hidden state (at most about 20 hidden nodes)."""
    nodes = list(net.order)
    col = {n: i for i, n in enumerate(nodes)}
    x = ((np.arange(2 ** len(nodes))[:, None] >> np.arange(len(nodes))[None, :]) & 1).astype(bool)

    def off(leak: Number, parents: Sequence[tuple[str, Number]]) -> Array:
        p0 = np.full(len(x), 1.0 - float(leak))
        for q, w in parents:
            p0 = p0 * np.where(x[:, col[q]], 1.0 - float(w), 1.0)
        return p0

    joint = np.ones(len(x))
    for n in nodes:
        p0 = off(net.leak[n], net.parents.get(n, ()))
        joint *= np.where(x[:, col[n]], 1.0 - p0, p0)
    for lk in likelihoods:
        joint *= np.where(x[:, col[lk.node]], float(lk.if_present), float(lk.if_absent))
    for obs in observations:
        p0 = off(obs.leak, obs.parents)
        joint *= (1.0 - p0) if obs.value else p0
    total = joint.sum()
    return {n: float(joint[x[:, col[n]]].sum() / total) for n in nodes}
