"""`kinetrace batch` as a user runs it: files written and exit 0, or one `Error:` line and exit 2.

The first test is the suite's run on real worker processes (spawned by a LocalCluster in a fresh interpreter).
"""

from __future__ import annotations

import csv
import glob
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from batch_cases import BROKEN_YAML
from distributed import LocalCluster

from kinetrace.batch import assess_file
from kinetrace.cli.app import main

ROOT = Path(__file__).resolve().parents[2]


def test_batch_on_worker_processes_writes_the_serial_results_and_exits_0(case_files: list[Path], tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    out = tmp_path / "out"
    pattern = str(case_files[0].parent / "seed_*.yaml")  # quoted glob: expanded by kinetrace, not the shell
    proc = subprocess.run([sys.executable, "-m", "kinetrace", "batch", pattern, str(broken), "--out", str(out),
                           "--workers", "2"], capture_output=True, text=True, cwd=ROOT, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    expected = len([f for f in case_files if f.name.startswith("seed_")]) + 1
    assert f"{expected - 1} ok, 1 failed" in proc.stderr
    assert f"failed: {broken}: malformed YAML" in proc.stderr
    lines = (out / "assessments.jsonl").read_text(encoding="utf-8").splitlines()
    serial = [assess_file(path).to_json() for path in [*sorted(Path(p) for p in glob.glob(pattern)), broken]]
    assert [json.loads(line) for line in lines] == serial
    with (out / "summary.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["status"] for r in rows] == ["ok"] * (expected - 1) + ["failed"]
    assert all(r["action"] and r["plan_size"] for r in rows[:-1])


@pytest.mark.parametrize(("arguments", "needle"), [
    (["examples/demo.yaml"], "--out: missing"),
    (["--out", "{out}"], "CASES: got nothing"),
    (["examples/*.nothing", "--out", "{out}"], "matches at least one file"),
    (["examples/no_such_case.yaml", "--out", "{out}"], "an existing case file"),
    (["examples/demo.yaml", "--out", "{out}", "--workers", "0"], "--workers: got 0"),
    (["examples/demo.yaml", "--out", "{out}", "--scheduler", "tcp://h:1", "--workers", "2"], "no --workers"),
    (["examples/demo.yaml", "--out", "{out}", "--scheduler", "nowhere"], "not a Dask address"),
    (["examples/demo.yaml", "--out", "examples/demo.yaml"], "this is a file"),
])
def test_bad_arguments_give_one_error_line_and_exit_2(arguments: list[str], needle: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(["batch", *(a.replace("{out}", str(out)) for a in arguments)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1 and needle in err, err
    assert not out.exists()  # nothing written


def test_scheduler_option_runs_on_that_cluster_and_strict_exits_3_on_a_failure(
        case_files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    out = tmp_path / "out"
    # worker in its own process, as on a real cluster (an in-process one driven by a second client could deadlock)
    cluster = LocalCluster(n_workers=1, processes=True, threads_per_worker=1, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    with cluster, pytest.raises(SystemExit) as exit_info:
        main(["batch", str(case_files[0]), str(broken), "--out", str(out), "--no-progress",
              "--scheduler", cluster.scheduler_address, "--strict"])
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert "1 ok, 1 failed" in err and "warning" not in err  # same knowledge base on the workers
    lines = (out / "assessments.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == assess_file(case_files[0]).to_json()
