"""`assess --uncertainty`, `--elicitation` and `kb report` as a user runs them; internal failures are one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kinetrace", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False, env={**__import__("os").environ, "COLUMNS": "160"})


def test_assess_uncertainty_shows_intervals_in_text_and_json():
    text = run("assess", "examples/demo.yaml", "--uncertainty")
    assert text.returncode == 0, text.stderr
    assert "Uncertainty from design-default numbers" in text.stdout and "%–" in text.stdout
    data = json.loads(run("assess", "examples/demo.yaml", "--uncertainty", "--format", "json").stdout)
    ranked = [i for i in data["ranking"] if i["probability"] is not None]
    assert all(len(i["interval"]) == 2 for i in ranked)
    assert data["uncertainty"]["samples"] >= 100 and "robust" in data["uncertainty"]["statement"]


def test_kb_report_lists_every_design_default_and_its_template_round_trips(tmp_path: Path):
    report = run("kb", "report", "--format", "json")
    assert report.returncode == 0, report.stderr
    rows = json.loads(report.stdout)["design_defaults"]
    assert any(r["key"] == "impairments.limited_hip_ir.prior" and r["range"][0] < r["value"] < r["range"][1]
               for r in rows)
    assert all(r["used_by"] for r in rows)
    template = run("kb", "report", "--format", "elicitation")
    path = tmp_path / "clinic.yaml"
    path.write_text(template.stdout, encoding="utf-8")
    assert yaml.safe_load(template.stdout)["schema"] == "kinetrace.elicitation/1"
    proc = run("assess", "examples/demo.yaml", "--elicitation", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert "+elicited-" in json.loads(proc.stdout)["kb_version"]


@pytest.mark.parametrize(("values", "needle"), [
    ({"model.no_such_number": {"value": 0.5}}, "model.no_such_number: unknown key"),
    ({"model.region_leak": {"value": 1.5}}, "model.region_leak.value: got 1.5"),
])
def test_a_bad_elicitation_file_is_one_error_line_naming_the_key(tmp_path: Path, values: dict, needle: str):
    path = tmp_path / "clinic.yaml"
    path.write_text(yaml.safe_dump({"schema": "kinetrace.elicitation/1", "values": values}), encoding="utf-8")
    proc = run("assess", "examples/demo.yaml", "--elicitation", str(path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and needle in proc.stderr and "Traceback" not in proc.stderr


def test_an_internal_failure_in_assess_is_one_error_line(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]):
    import kinetrace.assessment
    from kinetrace.cli.app import main

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("the evidence has zero probability under the model")

    # stands in for any unforeseen failure inside the engine; the CLI path around it is the real one
    monkeypatch.setattr(kinetrace.assessment, "assess", broken)
    with pytest.raises(SystemExit) as exit_info:
        main(["assess", str(ROOT / "examples" / "demo.yaml")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert err.startswith("Error: internal error while assessing demo.yaml: ValueError")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
