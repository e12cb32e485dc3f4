"""What the ranking leaves open: untested tests that could change it, the next best test, contested claims.

The next test is the untested one with the highest expected information gain (mutual information, in bits)
between its reading and the candidates it informs, using the current posteriors and the reading likelihoods.
Whether a test "could change the top" is judged by updating its candidate alone with a positive or a negative
reading (other items held at their current probability) — a stated approximation that errs towards listing it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ClinicalTest, InformRule
from kinetrace.result import Claim, NextTest, NotTested, RankedItem
from kinetrace.values import GradeLevel, State

__all__ = ["contested_claims", "next_test", "not_tested", "remote_stands_out", "remote_summary", "standing_remote"]


def _columns(kb: KnowledgeBase, rule: InformRule) -> dict[str, tuple[float, float]]:
    if rule.accuracy is not None:
        sens, spec = rule.accuracy.sensitivity, rule.accuracy.specificity
        return {"abnormal": (sens, 1 - spec), "normal": (1 - sens, spec)}
    table = kb.model.default_likelihoods[rule.role]
    return {state: (pair[0], pair[1]) for state, pair in table.items()}


def _entropy(probs: Sequence[float]) -> float:
    return -sum(p * math.log2(p) for p in probs if p > 0)


def _mutual_information(kb: KnowledgeBase, rule: InformRule, p: float) -> float:
    cols = _columns(kb, rule)
    marginal = [p * a + (1 - p) * b for a, b in cols.values()]
    conditional = p * _entropy([a for a, _ in cols.values()]) + (1 - p) * _entropy([b for _, b in cols.values()])
    return max(0.0, _entropy(marginal) - conditional)


def _updated(kb: KnowledgeBase, rule: InformRule, p: float, state: str) -> float:
    a, b = _columns(kb, rule)[state]
    return p * a / (p * a + (1 - p) * b)


def _candidates(ranking: Sequence[RankedItem]) -> dict[str, RankedItem]:
    return {i.id: i for i in ranking if i.kind in ("local", "remote") and i.probability is not None}


def _untested(kb: KnowledgeBase, measured: frozenset[str], candidates: Mapping[str, RankedItem]
              ) -> list[tuple[ClinicalTest, list[InformRule]]]:
    out = []
    for test in kb.tests.values():
        if test.id in measured:
            continue
        rules = [r for r in test.informs if r.target in candidates]
        if rules:
            out.append((test, rules))
    return out


def not_tested(kb: KnowledgeBase, measured: frozenset[str], ranking: Sequence[RankedItem], *, limit: int = 12
               ) -> list[NotTested]:
    """Return untested tests bearing on the ranked candidates, those that could change the top first."""
    candidates = _candidates(ranking)
    ordered = [i for i in ranking if i.id in candidates]
    if not ordered:
        return []
    top = ordered[0]
    second_p = ordered[1].probability if len(ordered) > 1 else 0.0
    out: list[NotTested] = []
    for test, rules in _untested(kb, measured, candidates):
        change = False
        reasons = []
        for rule in rules:
            item = candidates[rule.target]
            p = item.probability or 0.0
            if item.id == top.id:
                low = _updated(kb, rule, p, "normal")
                if low < (second_p or 0.0):
                    change = True
                    reasons.append(f"a normal result could drop {item.name} below the next item")
            elif rule.role == "primary" or item.kind == "local":
                high = _updated(kb, rule, p, "abnormal")
                if high > (top.probability or 0.0):
                    change = True
                    reasons.append(f"an abnormal result could lift {item.name} above {top.name}")
        names = ", ".join(sorted({candidates[r.target].name for r in rules}))
        reason = "; ".join(reasons) if reasons else f"would refine {names}"
        out.append(NotTested(test_id=test.id, name=test.name, informs=sorted({r.target for r in rules}),
                             could_change_top=change, reason=reason))
    out.sort(key=lambda n: (not n.could_change_top, n.test_id))
    return out[:limit]


def next_test(kb: KnowledgeBase, measured: frozenset[str], ranking: Sequence[RankedItem]) -> NextTest | None:
    """Return the untested test with the highest expected information gain about the ranked candidates."""
    candidates = _candidates(ranking)
    best: tuple[float, ClinicalTest, list[InformRule]] | None = None
    for test, rules in _untested(kb, measured, candidates):
        gain = sum(_mutual_information(kb, r, candidates[r.target].probability or 0.0) for r in rules)
        if best is None or gain > best[0] + 1e-12:
            best = (gain, test, rules)
    if best is None:
        return None
    gain, test, rules = best
    names = ", ".join(sorted({candidates[r.target].name for r in rules}))
    return NextTest(test_id=test.id, name=test.name, informs=sorted({r.target for r in rules}),
                    expected_information_gain_bits=round(gain, 4),
                    reason=f"its result is expected to tell most about {names} ({gain:.2f} bits)")


def standing_remote(kb: KnowledgeBase, ranking: Sequence[RankedItem], *, chain_suppressed: bool
                    ) -> list[RankedItem]:
    """Return the remote contributors that stand out (none while the chain is suppressed)."""
    if chain_suppressed:
        return []
    # a remote item that may rank first and is probable enough, or one present beyond measurement error whose
    # chain fits the pain behaviour (named even when the local-before-remote rule keeps it below a local source)
    return [i for i in ranking if i.kind == "remote" and (
        (i.may_rank_first and (i.probability or 0.0) >= kb.model.remote_stands_out_probability)
        or (i.state == State.PRESENT and bool(i.behaviour_matches)))]


def remote_stands_out(kb: KnowledgeBase, ranking: Sequence[RankedItem], *, chain_suppressed: bool) -> bool:
    """Return whether any remote contributor stands out: the typed twin of `remote_summary`."""
    return bool(standing_remote(kb, ranking, chain_suppressed=chain_suppressed))


def remote_summary(kb: KnowledgeBase, ranking: Sequence[RankedItem], *, chain_suppressed: bool) -> str:
    """Return the plain statement about remote contributors (often: none stands out, which is a valid answer).

    It names every remote item that may rank first and reaches the stand-out probability, and every remote item
    present beyond measurement error whose chain fits the pain behaviour, saying when the local-before-remote
    rule keeps it below a local source, so the summary never contradicts the ranking.
    """
    if chain_suppressed:
        return "Chain reasoning is suppressed until the red flag is assessed medically."
    standing = standing_remote(kb, ranking, chain_suppressed=chain_suppressed)
    if not standing:
        return ("No remote contributor stands out: nothing elsewhere in the chain is present beyond measurement "
                "error with a chain and a pain behaviour that fit. The painful region's own sources explain the "
                "picture as well or better — a common and valid result.")
    first = next((i for i in ranking if i.kind in ("local", "remote")), None)
    parts = []
    for i in standing:
        text = f"{i.name} ({(i.probability or 0.0):.0%})"
        if first is not None and i.id != first.id and first.kind == "local" and not i.may_rank_first:
            text += f", ranked below {first.name} because local sources are examined first"
        parts.append(text)
    return ("Remote contributors that may contribute, with the evidence grade of each link shown: "
            + "; ".join(parts) + ".")


def contested_claims(kb: KnowledgeBase, contradicted_edges: Sequence[str], painful: frozenset[str],
                     present: frozenset[str]) -> list[Claim]:
    """Return the seed claims and contradicted links that bear on this case, with their evidence status."""
    relevant = {e.id for e in kb.edges.values()
                if set(e.effect) & painful or set(e.cause) & present}
    claims: list[Claim] = []
    covered: set[str] = set()
    for claim in kb.seed_claims.values():
        weak = claim.grade.is_contradicted or claim.grade.levels[:1] == (GradeLevel.EO,)
        if not claim.generate or not weak or not set(claim.edges) & relevant:
            continue
        covered.update(claim.edges)
        statement = claim.statement
        if claim.recorded_note and set(claim.recorded_impairments) & present:
            statement = f"{claim.recorded_note} {statement}"
        claims.append(Claim(id=claim.id, edges=claim.edges, claim=claim.claim, status=claim.verdict,
                            grade=claim.grade, statement=statement, refs=claim.refs))
    for edge_id in contradicted_edges:
        edge = kb.edges[edge_id]
        if edge_id in covered or edge_id not in relevant:
            continue
        claims.append(Claim(id=edge_id, edges=[edge_id], claim=edge.name, status=edge.evidence,
                            grade=f"{edge.grades.mech}/{edge.grades.pain}",
                            statement="The evidence points against this link; it is shown, not ranked.",
                            refs=edge.refs))
    return claims
