"""The chain model as an explicit Bayesian network (nodes with conditional probability tables).

Used to export the network (XMLBIF, which standard Bayesian-network tools open) and to cross-check Kinetrace's
posteriors against an independent exact engine (pgmpy) in `benchmarks/`. Noisy-OR nodes with many parents are
written in their exact sequential decomposition ("parent divorcing"): Y_k = Y_(k−1) OR (p_k AND link_k), so no
table has more than two parents. Evidence readings become binary children observed as "yes", whose table is the
reading's likelihood pair — the same unary factor Kinetrace multiplies in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from kinetrace.reasoning.inference import Likelihood, NoisyOrNetwork, Number, Observation

__all__ = ["NodeTable", "network_tables", "to_xmlbif"]

STATES = ("no", "yes")
_DIVORCE_ABOVE = 3


@dataclass(frozen=True)
class NodeTable:
    """One node: its parents and P(node = state | parents), columns in parent order, first parent slowest."""

    name: str
    parents: tuple[str, ...]
    table: tuple[tuple[float, ...], tuple[float, ...]]  # rows: P(no | ...), P(yes | ...)


def _noisy_or_table(leak: float, weights: Sequence[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    off: list[float] = []
    n = len(weights)
    for col in range(2**n):
        bits = [(col >> (n - 1 - i)) & 1 for i in range(n)]
        p0 = 1.0 - leak
        for w, b in zip(weights, bits, strict=True):
            p0 *= (1.0 - w) ** b
        off.append(p0)
    return tuple(off), tuple(1.0 - x for x in off)


def _merge(parents: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    # two links from the same parent act as one link of strength 1 − (1 − w1)(1 − w2): the same factor
    merged: dict[str, float] = {}
    for p, w in parents:
        merged[p] = 1.0 - (1.0 - merged.get(p, 0.0)) * (1.0 - w)
    return list(merged.items())


def _noisy_or(name: str, leak: float, parents: Sequence[tuple[str, float]]) -> list[NodeTable]:
    parents = _merge(parents)
    if len(parents) <= _DIVORCE_ABOVE:
        return [NodeTable(name, tuple(p for p, _ in parents), _noisy_or_table(leak, [w for _, w in parents]))]
    nodes = [NodeTable(f"{name}__0", (), _noisy_or_table(leak, []))]
    previous = f"{name}__0"
    for k, (parent, w) in enumerate(parents, 1):
        current = name if k == len(parents) else f"{name}__{k}"
        # P(no | prev, p): prev=no,p=no → 1; prev=no,p=yes → 1−w; prev=yes → 0
        off = (1.0, 1.0 - w, 0.0, 0.0)
        nodes.append(NodeTable(current, (previous, parent), (off, tuple(1.0 - x for x in off))))
        previous = current
    return nodes


def _floats(parents: Sequence[tuple[str, Number]]) -> list[tuple[str, float]]:
    return [(p, float(w)) for p, w in parents]


def network_tables(net: NoisyOrNetwork, observations: Sequence[Observation] = (),
                   likelihoods: Sequence[Likelihood] = ()) -> tuple[list[NodeTable], dict[str, str]]:
    """Return every node table and the evidence (node → observed state) for the given observations.

    The export holds one network: every number must be a single value, not an array of samples.
    """
    tables: list[NodeTable] = []
    for node in net.order:
        tables.extend(_noisy_or(node, float(net.leak[node]), _floats(net.parents.get(node, ()))))
    evidence: dict[str, str] = {}
    for obs in observations:
        name = obs.id.replace(":", "__").replace("@", "_at_")
        tables.extend(_noisy_or(name, float(obs.leak), _floats(obs.parents)))
        evidence[name] = "yes" if obs.value else "no"
    for k, lk in enumerate(likelihoods):
        name = f"reading_{k}__{lk.node}"
        # rows P(no | x), P(yes | x) with x = no, yes; observed "yes" multiplies in (if_absent, if_present)
        yes = (float(lk.if_absent), float(lk.if_present))
        scale = max(yes)
        yes = (yes[0] / scale, yes[1] / scale)
        tables.append(NodeTable(name, (lk.node,), (tuple(1.0 - y for y in yes), yes)))
        evidence[name] = "yes"
    return tables, evidence


def to_xmlbif(tables: Sequence[NodeTable], *, name: str = "kinetrace") -> str:
    """Return the network in XMLBIF 0.3 (opens in pgmpy, SamIam, GeNIe and other Bayesian-network tools)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<BIF VERSION=\"0.3\">", "<NETWORK>",
           f"<NAME>{escape(name)}</NAME>"]
    for t in tables:
        out.append(f"<VARIABLE TYPE=\"nature\"><NAME>{escape(t.name)}</NAME>"
                   + "".join(f"<OUTCOME>{s}</OUTCOME>" for s in STATES) + "</VARIABLE>")
    for t in tables:
        given = "".join(f"<GIVEN>{escape(p)}</GIVEN>" for p in t.parents)
        # XMLBIF lists the table with the node's own state varying fastest, parents in order (first slowest)
        values: list[float] = []
        for col in range(len(t.table[0])):
            values.extend((t.table[0][col], t.table[1][col]))
        out.append(f"<DEFINITION><FOR>{escape(t.name)}</FOR>{given}<TABLE>"
                   + " ".join(f"{v:.12g}" for v in values) + "</TABLE></DEFINITION>")
    out += ["</NETWORK>", "</BIF>"]
    return "\n".join(out) + "\n"
