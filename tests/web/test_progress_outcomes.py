"""Pain and function trends on the progress page, judged against the MCID in outcomes.yaml (issue 12, part 4)."""

from __future__ import annotations

import copy
import re

from web_helpers import DEMO_CASE, Signed

from kinetrace.knowledge.outcomes import find_outcome
from kinetrace.progress.outcomes import judge_outcome


def _classes(plot: str) -> list[str]:
    return re.findall(r'class="pt ([^"]*)"', plot)


def test_the_change_thresholds_come_from_the_knowledge_base_with_a_source(kb) -> None:  # type: ignore[no-untyped-def]
    pain = find_outcome(kb.outcomes, kind="pain")
    odi = find_outcome(kb.outcomes, kind="function", instrument="oswestry disability index")
    psfs = find_outcome(kb.outcomes, kind="function", instrument="PSFS")
    assert pain is not None and odi is not None and psfs is not None
    assert all(m.source and m.grade for m in (pain, odi, psfs))
    assert judge_outcome(6, 3, pain)[0] == "improved"
    assert judge_outcome(3, 4, pain)[0] == "within_measurement_error"
    assert judge_outcome(4, 7, pain)[0] == "worsened"
    assert judge_outcome(40, 25, odi)[0] == "improved" and judge_outcome(4, 7, psfs)[0] == "improved"
    stricter = pain.model_copy(update={"mcid": 4})
    assert judge_outcome(6, 3, stricter)[0] == "within_measurement_error"  # the number is data, not code
    assert find_outcome(kb.outcomes, kind="function", instrument="Some Home-Made Scale") is None


def test_progress_plots_pain_and_function_with_better_worse_within_colours(north: Signed) -> None:
    pid = int(north.form("/patients", {"display_name": "Tina Trend", "birth_year": "1975", "sex": "female"})
              .headers["location"].rsplit("/", 1)[1])
    visits = []
    for pain, odi in ((6, 40), (3, 25), (4, 38)):
        case = copy.deepcopy(DEMO_CASE)
        case["pain"][0]["intensity"] = pain
        case["function"] = {"instrument": "Oswestry Disability Index", "score": odi, "low": 0, "high": 100}
        visits.append(case)
    for case in visits:
        assert north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": case}).status_code == 201
    page = north.client.get(f"/patients/{pid}/progress").text
    region = DEMO_CASE["pain"][0]["region"]
    pain_plot = page.split(f'id="plot-pain_{region}-value"')[1].split("</figure>")[0]
    # 6 → 3 is 3 points (≥ MCID 2): better; 3 → 4 is 1 point: within error.
    assert _classes(pain_plot) == ["", "real better", "within"]
    function_plot = page.split('id="plot-function-value"')[1].split("</figure>")[0]
    assert "Function – Oswestry Disability Index" in function_plot
    # ODI 40 → 25 (−15, lower is better, MCID 10): better; 25 → 38 (+13): worse.
    assert _classes(function_plot) == ["", "real better", "real worse"]
    assert "smallest change that matters on this scale is 10" in function_plot
