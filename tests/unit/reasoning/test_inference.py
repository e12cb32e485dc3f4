"""Exact noisy-OR inference: hand-worked values, agreement with brute-force enumeration, probability bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinetrace.reasoning.inference import (
    Likelihood,
    NoisyOrNetwork,
    Observation,
    enumerate_posteriors,
    posteriors,
)


def test_single_cause_with_positive_child_matches_hand_worked_bayes():
    # P(a)=0.2; P(pain|a)=1-(0.9)(0.2)=0.82; P(pain|¬a)=0.1 → 0.164 / (0.164 + 0.08) = 0.672131…
    net = NoisyOrNetwork(order=("a",), leak={"a": 0.2}, parents={})
    post = posteriors(net, [Observation("pain", 0.1, (("a", 0.8),), True)])
    assert post["a"] == pytest.approx(0.164 / 0.244, abs=1e-12)


def test_four_node_chain_worked_on_paper():
    # a → s (w 0.5, leak 0.1); s → pain (w 0.6, leak 0.05); b → pain (w 0.3, prior 0.3); pain observed.
    # Worked by hand over the 8 states of (a, s, b):
    net = NoisyOrNetwork(order=("a", "b", "s"), leak={"a": 0.2, "b": 0.3, "s": 0.1},
                         parents={"s": (("a", 0.5),)})
    obs = [Observation("pain", 0.05, (("s", 0.6), ("b", 0.3)), True)]
    weights = {}
    total = 0.0
    for a in (0, 1):
        for b in (0, 1):
            for s in (0, 1):
                p_s1 = 1 - 0.9 * (0.5 if a else 1.0)
                p = (0.2 if a else 0.8) * (0.3 if b else 0.7) * (p_s1 if s else 1 - p_s1)
                p_pain = 1 - 0.95 * (0.4 if s else 1.0) * (0.7 if b else 1.0)
                weights[(a, b, s)] = p * p_pain
                total += p * p_pain
    expected_a = sum(w for (a, _, _), w in weights.items() if a) / total
    expected_s = sum(w for (_, _, s), w in weights.items() if s) / total
    post = posteriors(net, obs)
    assert post["a"] == pytest.approx(expected_a, abs=1e-12)
    assert post["s"] == pytest.approx(expected_s, abs=1e-12)


def test_barren_nodes_keep_prior_or_follow_their_parents():
    net = NoisyOrNetwork(order=("a", "c", "d"), leak={"a": 0.3, "c": 0.1, "d": 0.2}, parents={"d": (("a", 0.7),)})
    post = posteriors(net, [], [Likelihood("a", 0.9, 0.1)])
    ref = enumerate_posteriors(net, [], [Likelihood("a", 0.9, 0.1)])
    assert post["c"] == pytest.approx(0.1)
    assert post["d"] == pytest.approx(ref["d"], abs=1e-12)


@st.composite
def networks(draw):
    n = draw(st.integers(1, 6))
    order = tuple(f"n{i}" for i in range(n))
    prob = st.floats(0.01, 0.95)
    leak = {o: draw(prob) for o in order}
    parents = {}
    for i, o in enumerate(order):
        chosen = draw(st.lists(st.integers(0, max(0, i - 1)), max_size=i, unique=True)) if i else []
        parents[o] = tuple((order[j], draw(prob)) for j in chosen)
    net = NoisyOrNetwork(order, leak, parents)
    obs = []
    for k in range(draw(st.integers(0, 4))):
        ps = tuple((o, draw(prob)) for o in order if draw(st.booleans()))
        obs.append(Observation(f"y{k}", draw(st.floats(0.01, 0.4)), ps, draw(st.booleans())))
    lks = [Likelihood(draw(st.sampled_from(order)), draw(prob), draw(prob)) for _ in range(draw(st.integers(0, 3)))]
    return net, obs, lks


@settings(max_examples=150, deadline=None)
@given(networks())
def test_exact_inference_equals_enumeration_on_small_networks(case):
    net, obs, lks = case
    fast = posteriors(net, obs, lks)
    slow = enumerate_posteriors(net, obs, lks)
    for node in net.order:
        assert fast[node] == pytest.approx(slow[node], abs=1e-9)
        assert 0.0 <= fast[node] <= 1.0


@st.composite
def realistic_networks(draw, *, n_min: int = 12, n_max: int = 16, obs_min: int = 30, obs_max: int = 36):
    """Networks shaped like the chain model: mostly roots, a few one-parent states, many observed children."""
    n = draw(st.integers(n_min, n_max))
    order = tuple(f"n{i}" for i in range(n))
    prob = st.floats(0.01, 0.9)
    leak = {o: draw(st.floats(0.01, 0.5)) for o in order}
    parents = {o: ((order[draw(st.integers(0, i - 1))], draw(prob)),) if i and draw(st.integers(0, 4)) == 0 else ()
               for i, o in enumerate(order)}
    obs = []
    for k in range(draw(st.integers(obs_min, obs_max))):
        chosen = draw(st.lists(st.sampled_from(order), min_size=1, max_size=6, unique=True))
        positive = k < obs_min or draw(st.booleans())
        obs.append(Observation(f"y{k}", draw(st.floats(0.01, 0.4)), tuple((o, draw(prob)) for o in chosen), positive))
    lks = [Likelihood(draw(st.sampled_from(order)), draw(prob), draw(prob)) for _ in range(draw(st.integers(0, 12)))]
    return NoisyOrNetwork(order, leak, parents), obs, lks


@settings(max_examples=30, deadline=None)
@given(realistic_networks())
def test_thirty_or_more_positive_observations_equal_enumeration_to_1e_9(case):
    net, obs, lks = case
    assert sum(o.value for o in obs) >= 30
    fast = posteriors(net, obs, lks)
    slow = enumerate_posteriors(net, obs, lks)
    for node in net.order:
        assert fast[node] == pytest.approx(slow[node], abs=1e-9)


@settings(max_examples=4, deadline=None)
@given(case=realistic_networks(n_min=30, n_max=34, obs_min=32, obs_max=36))
def test_tens_of_causes_and_thirty_positives_equal_pgmpy_to_1e_9(case, tmp_path_factory):
    from pgmpy_reference import pgmpy_posteriors

    net, obs, lks = case
    ours = posteriors(net, obs, lks)
    ref = pgmpy_posteriors(net, obs, lks, tmp_path_factory.mktemp("net"))
    for node in net.order:
        assert ours[node] == pytest.approx(ref[node], abs=1e-9)


def test_sampled_numbers_give_one_posterior_per_sample():
    import numpy as np

    # two samples of the prior: each must equal the single-number result for that prior
    net = NoisyOrNetwork(order=("a",), leak={"a": np.array([0.2, 0.4])}, parents={})
    obs = [Observation("pain", 0.1, (("a", 0.8),), True)]
    from kinetrace.reasoning.inference import posterior_samples

    both = posterior_samples(net, obs)["a"]
    for k, prior in enumerate((0.2, 0.4)):
        single = posteriors(NoisyOrNetwork(order=("a",), leak={"a": prior}, parents={}), obs)["a"]
        assert both[k] == pytest.approx(single, abs=1e-12)
