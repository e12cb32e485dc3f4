"""Honest uncertainty (issue 10): every EO number has a plausible range; intervals come from sampling them."""

from __future__ import annotations

import numpy as np
import pytest

from kinetrace import assess, load_case, load_knowledge
from kinetrace.assessment import case_evidence
from kinetrace.demo_cases import example_paths
from kinetrace.knowledge.design_defaults import design_defaults, with_numbers
from kinetrace.knowledge.elicitation import apply_elicitation, elicitation_template
from kinetrace.reasoning.inference import posterior_samples, posteriors
from kinetrace.reasoning.uncertainty import sample_knowledge

KB = load_knowledge()
DEMO = load_case(next(p for p in example_paths() if p.stem == "demo"))


def test_every_eo_prior_and_model_number_has_a_range_holding_its_value():
    defaults = design_defaults(KB)
    priors = [d for d in defaults if d.key.endswith(".prior")]
    assert len(priors) == sum(n.prior_source.startswith("EO") for n in KB.impairments.values()) > 0
    assert any(d.key == "model.link_scale" for d in defaults)
    for d in defaults:
        assert d.low is not None and d.high is not None, d.key
        assert 0 <= d.low <= d.value <= d.high <= 1, d


def test_vectorised_samples_equal_one_network_per_sample():
    sampled = sample_knowledge(KB, samples=4, seed=7)
    ev = case_evidence(DEMO, sampled)
    draws = posterior_samples(ev.network, ev.observations, ev.likelihoods)
    numbers = {d.key: d for d in design_defaults(KB)}
    rng = np.random.default_rng(7)  # the same draws, in the same order, as sample_knowledge
    values = {k: rng.uniform(d.low, d.high, 4) for k, d in numbers.items()}
    for k in range(4):
        single_kb = with_numbers(KB, {key: float(v[k]) for key, v in values.items()})
        ev1 = case_evidence(DEMO, single_kb)
        single = posteriors(ev1.network, ev1.observations, ev1.likelihoods)
        for node, p in single.items():
            assert draws[node][k] == pytest.approx(p, abs=1e-12), node


def test_intervals_collapse_to_the_point_estimate_when_every_range_is_a_point():
    data = elicitation_template(KB)
    data["values"] = {k: {"value": v["value"], "range": [v["value"], v["value"]]} for k, v in data["values"].items()}
    pointed = apply_elicitation(KB, data)
    result = assess(DEMO, pointed, uncertainty=True)
    for item in result.ranking:
        if item.probability is not None:
            assert item.interval is not None
            assert item.interval[0] == pytest.approx(item.probability, abs=1e-4)
            assert item.interval[1] == pytest.approx(item.probability, abs=1e-4)
    assert result.uncertainty is not None and result.uncertainty.robust and result.uncertainty.top_share == 1.0


def test_uncertainty_gives_ordered_reproducible_intervals_and_a_robustness_verdict():
    first = assess(DEMO, KB, uncertainty=True)
    again = assess(DEMO, KB, uncertainty=True)
    assert [i.interval for i in first.ranking] == [i.interval for i in again.ranking]
    ranked = [i for i in first.ranking if i.probability is not None]
    assert ranked and all(i.interval is not None and 0 <= i.interval[0] < i.interval[1] <= 1 for i in ranked)
    assert first.uncertainty is not None
    assert first.uncertainty.top_id == ranked[0].id
    assert ("robust" in first.uncertainty.statement) and isinstance(first.uncertainty.robust, bool)
    assert assess(DEMO, KB).uncertainty is None  # only on request


def test_elicitation_rejects_unknown_keys_and_bad_ranges_naming_them():
    from kinetrace.errors import InputError

    bad_key = {"schema": "kinetrace.elicitation/1", "values": {"model.link_scal": {"value": 0.5}}}
    with pytest.raises(InputError, match=r"model\.link_scal: unknown key"):
        apply_elicitation(KB, bad_key)
    bad_range = {"schema": "kinetrace.elicitation/1",
                 "values": {"impairments.limited_hip_ir.prior": {"value": 0.2, "range": [0.3, 0.4]}}}
    with pytest.raises(InputError, match=r"limited_hip_ir\.prior\.range: got \[0\.3, 0\.4\]"):
        apply_elicitation(KB, bad_range)
    with pytest.raises(InputError, match="schema"):
        apply_elicitation(KB, {"values": {"model.link_scale": {"value": 0.5}}})


def test_an_elicited_prior_changes_the_posterior_and_the_version():
    data = {"schema": "kinetrace.elicitation/1", "values": {"impairments.limited_hip_ir.prior": {"value": 0.05}}}
    clinic = apply_elicitation(KB, data)
    assert clinic.version.startswith(KB.version + "+elicited-")
    before = {i.id: i.probability for i in assess(DEMO, KB).ranking}
    after = {i.id: i.probability for i in assess(DEMO, clinic).ranking}
    assert after["limited_hip_ir"] < before["limited_hip_ir"]
