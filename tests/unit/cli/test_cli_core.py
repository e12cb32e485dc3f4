"""The CLI as a user runs it: demo, assess formats, and one clear line (exit 2) for every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kinetrace", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, check=False)


def test_demo_prints_a_full_assessment():
    proc = run("demo")
    assert proc.returncode == 0, proc.stderr
    for heading in ("Triage", "Ranked sources", "Plan", "Next best test"):
        assert heading in proc.stdout


def test_assess_json_holds_the_documented_keys():
    proc = run("assess", "examples/demo.yaml", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("triage", "ranking", "not_tested", "next_test", "plan", "profile", "kb_version"):
        assert key in data
    assert data["triage"]["action"]
    assert all({"id", "kind", "probability", "paths"} <= set(item) for item in data["ranking"])


def test_seed_profile_is_labelled_in_markdown():
    proc = run("assess", "examples/demo.yaml", "--format", "markdown", "--profile", "seed")
    assert proc.returncode == 0, proc.stderr
    assert "SEED PROFILE" in proc.stdout


def _case(tmp_path: Path, findings: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(
        "schema: kinetrace.case/1\npatient: {age: 40, sex: male}\n"
        "pain:\n  - {region: lumbar, intensity: 4, duration_weeks: 6}\n"
        "red_flags: {saddle_numbness: no, bladder_bowel_change: no, cancer_history: no, fever: no, trauma: no}\n"
        f"findings:\n{findings}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("findings", "needle"), [
    ("  hip_ir_prne: {left: 20, right: 30, unit: deg}", "hip_ir_prne"),
    ("  hip_ir_prone: {left: 400, right: 30, unit: deg}", "400"),
    ("  hip_ir_prone: {left: 20, right: 30, unit: cm}", "cm"),
])
def test_bad_findings_give_one_line_and_exit_2(tmp_path: Path, findings: str, needle: str):
    proc = run("assess", str(_case(tmp_path, findings)))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ")
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_case_with_several_problems_lists_each_on_its_own_line(tmp_path: Path):
    path = tmp_path / "case.yaml"
    path.write_text("schema: kinetrace.case/1\npatient: {sex: female}\n"
                    "pain:\n  - {region: cervical_lower, intensity: 6, duration_weeks: 3}\n"
                    "measurements: []\n", encoding="utf-8")
    proc = run("assess", str(path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and "patient.age: is missing" in lines[0]
    assert len(lines) == 2 and lines[1].startswith("  also: ") and "measurements: unknown field" in lines[1]


def test_malformed_yaml_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("patient: {age: 40\npain: [\n", encoding="utf-8")
    proc = run("assess", str(path))
    assert proc.returncode == 2 and "line" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_file_is_a_clear_error():
    proc = run("assess", "no/such/case.yaml")
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_kb_id_suggests_close_ids():
    proc = run("kb", "show", "E6")
    assert proc.returncode == 2 and "Error:" in proc.stderr


def test_kb_validate_and_list():
    assert run("kb", "validate").returncode == 0
    proc = run("kb", "list", "edges", "--format", "json")
    assert proc.returncode == 0 and {e["id"] for e in json.loads(proc.stdout)} >= {f"E{n:02d}" for n in range(1, 35)}
