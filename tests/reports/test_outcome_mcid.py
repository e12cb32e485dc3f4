"""Reassessment outcomes judged against each scale's minimal clinically important difference (outcomes.yaml).

Thresholds are the knowledge base's, read here from `kb.outcomes` (NPRS 2 points, ODI 10 points, PSFS 2 points,
higher better), so a change in the data changes the expectation, not the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kinetrace.assessment import assess
from kinetrace.demo_cases import demo_case_path
from kinetrace.intake import load_case
from kinetrace.reports import compose_report, model_html
from kinetrace.reports.reassessment import outcome_changes
from kinetrace.result import CaseIdentity, ComplaintEntry


def _visit(pain: int, *, instrument: str | None = "Oswestry Disability Index", score: float | None = 30,
           higher_is_better: bool = False) -> CaseIdentity:
    return CaseIdentity(age=40, sex="female", complaint=[ComplaintEntry(region="lumbar", side="left", intensity=pain,
                                                                        duration_weeks=6)],
                        function_instrument=instrument, function_score=score,
                        function_higher_is_better=higher_is_better)


def _mcid(kb: Any, outcome_id: str) -> float:
    return float(kb.outcomes[outcome_id].mcid)


@pytest.mark.parametrize(("pain_change_in_mcids", "verdict", "label", "tone"), [
    (-1, "improved", "improved", "ok"),     # a drop of exactly one MCID counts
    (+1, "worsened", "worse", "danger"),
    (-0.5, "within_measurement_error", "within error", "muted"),
])
def test_pain_change_is_judged_against_the_nprs_mcid(kb: Any, pain_change_in_mcids: float, verdict: str,
                                                     label: str, tone: str) -> None:
    step = round(pain_change_in_mcids * _mcid(kb, "nprs"))
    pain, _ = outcome_changes(_visit(5), _visit(5 + step), outcomes=kb.outcomes)
    assert (pain.verdict, pain.verdict_label, pain.tone) == (verdict, label, tone)
    assert f"MCID {_mcid(kb, 'nprs'):g} points" in pain.error


def test_function_uses_its_own_scale_and_direction(kb: Any) -> None:
    odi = _mcid(kb, "odi")
    _, function = outcome_changes(_visit(5, score=40), _visit(5, score=40 - odi + 1), outcomes=kb.outcomes)
    assert function.verdict == "within_measurement_error"  # one point short of the ODI's MCID
    psfs = _mcid(kb, "psfs")  # higher is better on the PSFS: a rise is an improvement
    _, function = outcome_changes(_visit(5, instrument="PSFS", score=3),
                                  _visit(5, instrument="PSFS", score=3 + psfs), outcomes=kb.outcomes)
    assert (function.verdict, function.tone) == ("improved", "ok")


def test_a_scale_the_knowledge_base_does_not_know_is_shown_but_not_judged(kb: Any) -> None:
    for instrument in ("Home-made back score", None):
        _, function = outcome_changes(_visit(5, instrument=instrument, score=40),
                                      _visit(5, instrument=instrument, score=10), outcomes=kb.outcomes)
        assert (function.before, function.after, function.change) == ("40", "10", "-30")
        assert function.verdict == "changed" and function.verdict_label == "not judged"


def test_demo_reassessment_pdf_text_judges_pain_and_function(kb: Any) -> None:
    before_case = load_case(demo_case_path())
    after_case = load_case(Path(__file__).resolve().parents[1] / "fixtures" / "demo_week6.yaml")
    before, after = assess(before_case, kb), assess(after_case, kb)
    model = compose_report(after, audience="clinician", generated_on="x", kb=kb, case=after_case, previous=before)
    assert model.progress is not None
    pain, function = model.progress.outcomes
    assert (pain.change, pain.verdict_label) == ("-3", "improved")      # 5 → 2 on the NPRS
    assert (function.change, function.verdict_label) == ("-14", "improved")  # 32 → 18 on the ODI
    html = model_html(model)
    assert '<span class="pill tone-ok">improved</span>' in html
    patient = compose_report(after, audience="patient", generated_on="x", kb=kb, case=after_case, previous=before)
    assert patient.progress is not None
    assert [o.verdict_label for o in patient.progress.outcomes] == ["better", "better"]
