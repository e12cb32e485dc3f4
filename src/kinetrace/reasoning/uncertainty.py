"""Honest uncertainty: Monte Carlo over the plausible ranges of every EO number (issue 10, What to build 5).

Each EO number (priors, link strengths, leaks, default likelihoods; see `knowledge.design_defaults`) is drawn
uniformly and independently from its range, `samples` times with a fixed seed. The network is solved for all
samples in one vectorised pass (`posterior_samples`), and each ranked item gets the interval between the
configured quantiles. The top of the ranking is "robust" when the item shown first would still be first, by the
same local-before-remote rule, in at least `robust_share` of the samples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from kinetrace.knowledge.design_defaults import design_defaults, with_numbers
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.result import RankedItem, UncertaintySummary
from kinetrace.values import State

__all__ = ["sample_knowledge", "summarise_uncertainty"]


def sample_knowledge(kb: KnowledgeBase, *, samples: int | None = None, seed: int | None = None) -> KnowledgeBase:
    """Return `kb` with every ranged EO number replaced by an array of uniform samples from its range.

    Raises:
        ValueError: the knowledge base declares no uncertainty section.
    """
    u = kb.model.uncertainty
    if u is None:
        raise ValueError("model.yaml has no uncertainty section")
    return _sampled(kb, u.samples if samples is None else samples, u.seed if seed is None else seed)


@lru_cache(maxsize=8)
def _sampled(kb: KnowledgeBase, samples: int, seed: int) -> KnowledgeBase:
    # The draws depend only on the knowledge base, the count and the seed, so they are made once per knowledge
    # base (every assessment with uncertainty uses the same ones; the chain model built on them is cached too).
    rng = np.random.default_rng(seed)
    numbers = {}
    for d in design_defaults(kb):
        if d.low is not None and d.high is not None:
            draws = rng.uniform(d.low, d.high, samples)
            draws.setflags(write=False)  # shared by every caller: read-only
            numbers[d.key] = draws
    return with_numbers(kb, numbers)


def _first_by_rule(items: Sequence[RankedItem], draws: NDArray[np.float64], profile: str) -> NDArray[np.int64]:
    """Index (into `items`) of the item the ranking rule would put first, per sample."""
    is_local = np.array([i.kind == "local" for i in items])
    fits = np.array(
        [
            i.kind == "local" or profile != "evidence" or (i.state == State.PRESENT and bool(i.behaviour_matches))
            for i in items
        ]
    )
    best_local = np.where(is_local[:, None], draws, -np.inf).max(axis=0) if is_local.any() else np.zeros(draws.shape[1])
    eligible = fits[:, None] & (is_local[:, None] | (draws > best_local[None, :]) | (profile != "evidence"))
    first: NDArray[np.int64] = np.where(eligible, draws, -np.inf).argmax(axis=0)
    return first


def summarise_uncertainty(
    kb: KnowledgeBase, ranking: Sequence[RankedItem], draws: Mapping[str, NDArray[np.float64]], *, profile: str
) -> tuple[list[RankedItem], UncertaintySummary]:
    """Return the ranking with each item's interval, and whether the top of the ranking is robust."""
    u = kb.model.uncertainty
    assert u is not None
    low_q, high_q = u.interval
    out = []
    for item in ranking:
        if item.probability is None or item.id not in draws:
            out.append(item)
            continue
        low, high = np.quantile(draws[item.id], [low_q, high_q])
        out.append(item.model_copy(update={"interval": [round(float(low), 4), round(float(high), 4)]}))
    candidates = [i for i in out if i.kind in ("local", "remote") and i.id in draws]
    n = len(next(iter(draws.values()))) if draws else 0
    if not candidates or n == 0:
        return out, UncertaintySummary(
            samples=n,
            seed=u.seed,
            quantiles=[low_q, high_q],
            source=u.source,
            robust=True,
            top_share=1.0,
            statement="No ranked mechanical item to test.",
        )
    table = np.stack([draws[i.id] for i in candidates])
    first = _first_by_rule(candidates, table, profile)
    share = float(np.mean(first == 0))
    robust = share >= u.robust_share
    rivals = np.bincount(first, minlength=len(candidates))
    runner = int(np.argmax(np.where(np.arange(len(candidates)) == 0, -1, rivals)))
    text = (
        f"{candidates[0].name} stays first in {share:.0%} of {n} samples of the plausible ranges of the "
        "design-default numbers"
    )
    if robust:
        text = "The top of the ranking is robust: " + text + "."
    else:
        text = (
            f"The top of the ranking is NOT robust to the design defaults: {text}; "
            f"{candidates[runner].name} comes first in {rivals[runner] / n:.0%}."
        )
    return out, UncertaintySummary(
        samples=n,
        seed=u.seed,
        quantiles=[low_q, high_q],
        source=u.source,
        robust=robust,
        top_share=round(share, 4),
        top_id=candidates[0].id,
        statement=text,
    )
