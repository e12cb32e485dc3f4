"""One value, one reading: the CLI, the video summary, the web page and the report agree on how a measured value
reads (normal / abnormal / indeterminate), because they all take it from `findings`' reading with its error gate.

The value: single-leg stance with eyes open, 39.0 s in a 45-year-old. Worked by hand from the knowledge base:
the age norm for 40–49 is 40 s (Springer 2007, tests.yaml `age_norms`), the rule reads "below the age norm"
(fraction 1.0) and the error gate is 2 s, so |39 − 40| = 1 s lies inside the band: indeterminate, never abnormal.
A surface that judged 39 < 40 without the gate would say "below norm" and the test fails on it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml
from web_helpers import Signed

from kinetrace import assess, load_knowledge, parse_case
from kinetrace.metrics.movement import analysis as movement_module
from kinetrace.metrics.movement.measures import RawValue
from kinetrace.metrics.movement.spec import View, load_movement_specs
from kinetrace.reports.build import build_report
from kinetrace.values import ReadingState, State

TEST_ID = "single_leg_stance_eyes_open"
TARGET = "balance_deficit_general"
VALUE_S = 39.0
AGE = 45
EXPECTED = ReadingState.INDETERMINATE

# how the impairment state of a primary target names the reading it came from (findings/normalise.py)
_STATE_TO_READING = {State.PRESENT: ReadingState.ABNORMAL, State.POSSIBLE: ReadingState.POSSIBLE,
                     State.INDETERMINATE: ReadingState.INDETERMINATE, State.ABSENT: ReadingState.NORMAL}


def _case() -> dict[str, Any]:
    return {
        "schema": "kinetrace.case/1", "id": "one-reading",
        "patient": {"id": "p-1", "age": AGE, "sex": "female"},
        "pain": [{"region": "lumbar", "side": "left", "intensity": 4, "duration_weeks": 10}],
        "red_flags": {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no",
                      "fever": "no", "trauma": "no"},
        "findings": {TEST_ID: {"left": VALUE_S, "unit": "s", "method": "video"}},
    }


def _from_targets(targets: list[dict[str, Any]]) -> ReadingState:
    primary = next(t for t in targets if t["target"] == TARGET)
    return _STATE_TO_READING[State(primary["state"])]


def _core() -> ReadingState:
    result = assess(parse_case(_case()), load_knowledge())
    finding = next(f for f in result.findings if f.test_id == TEST_ID)
    return _from_targets([t.model_dump() for t in finding.targets])


def _cli(tmp_path: Path) -> ReadingState:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_case()), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kinetrace", "assess", str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    finding = next(f for f in json.loads(proc.stdout)["findings"] if f["test_id"] == TEST_ID)
    return _from_targets(finding["targets"])


def _video_summary() -> ReadingState:
    """The row the video summary (summary.json "metrics") shows for the same value measured from a clip."""
    spec = next(m for m in load_movement_specs().tests["single_leg_stance"].metrics if m.feeds == TEST_ID)
    judge = movement_module._judge  # the movement path's own judgement, exactly as a clip's value meets it
    metric = judge(spec, RawValue(metric_id=spec.id, side="left", value=VALUE_S, frame=0), view=View.FRONT,
                   fps=30.0, age=AGE)
    row = movement_module.metric_table((metric,))[0]
    if "reading" in row:  # the summary names the findings' reading itself
        return ReadingState(row["reading"])
    outside = row["outside_norm"]
    assert {f.name for f in fields(metric)} >= {"is_outside_norm"}
    return ReadingState.INDETERMINATE if outside is None else (
        ReadingState.ABNORMAL if outside else ReadingState.NORMAL)


def _web(north: Signed) -> ReadingState:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "One Reading", "birth_year": 1981}).json()["id"]
    res = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": _case()})
    assert res.status_code == 201, res.text
    page = north.client.get(f"/assessments/{res.json()['id']}").text
    test_name = load_knowledge().tests[TEST_ID].name
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if test_name in r)
    shown = re.search(re.escape(load_knowledge().name_of(TARGET)) + r": ([a-z ]+) \(", row)
    assert shown, row
    return _STATE_TO_READING[State(shown.group(1).replace(" ", "_"))]


def _report() -> ReadingState:
    kb = load_knowledge()
    report = build_report(assess(parse_case(_case()), kb), audience="clinician", generated_on="2026-01-01", kb=kb)
    view = next(f for f in report.findings if f.test_id == TEST_ID)
    status = view.status.rsplit(": ", 1)[-1]  # "<impairment name>: <how it reads>"
    words = {"within measurement error": ReadingState.INDETERMINATE, "not found": ReadingState.NORMAL,
             "present, beyond measurement error": ReadingState.ABNORMAL, "possible": ReadingState.POSSIBLE}
    return words[status]


def test_cli_video_web_and_report_read_one_value_alike(north: Signed, tmp_path: Path) -> None:
    readings = {"core": _core(), "cli": _cli(tmp_path), "web": _web(north), "report": _report(),
                "video summary": _video_summary()}
    assert readings == dict.fromkeys(readings, EXPECTED), readings
