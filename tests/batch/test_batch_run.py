"""Batch runs give exactly the serial results, record each failed item with its message, and write atomically."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest
from batch_cases import BAD_FINDING, BROKEN_YAML, write_case_set
from distributed import LocalCluster

from kinetrace.batch import (
    JSONL_NAME,
    SUMMARY_COLUMNS,
    SUMMARY_NAME,
    BatchRecord,
    assess_file,
    expand_inputs,
    run_batch,
    write_outputs,
)
from kinetrace.errors import InputError


def _threads(paths: list[Path], **options: object) -> list:
    # A 2-worker in-process cluster: the same Dask graph and scheduler, without spawning processes.
    return run_batch(paths, workers=2, processes=False, progress=False, **options)


@pytest.mark.parametrize("profile", ["evidence", "seed"])
def test_batch_records_equal_serial_records(case_files: list[Path], profile: str):
    serial = [assess_file(path, profile) for path in case_files]
    batch = _threads(case_files, profile=profile)
    assert all(r.is_ok for r in serial), [r.error for r in serial if not r.is_ok]
    assert batch == serial  # same order, same assessments to the last float
    assert {r.assessment["profile"] for r in batch} == {profile}


def test_broken_files_are_recorded_with_their_message_and_the_rest_succeed(case_files: list[Path], tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    bad = tmp_path / "bad_finding.yaml"
    bad.write_text(BAD_FINDING, encoding="utf-8")
    vanished = tmp_path / "vanished.yaml"  # listed, then deleted before the run
    records = _threads([case_files[0], broken, bad, vanished, case_files[1]])
    assert [r.status for r in records] == ["ok", "failed", "failed", "failed", "ok"]
    assert records[1].case_id == "broken" and "malformed YAML at line 2" in records[1].error
    assert records[2].case_id == "bad-hip"  # the case's own id survives a failure past the parse
    assert records[2].error == "findings.hip_ir_prone.left: got 400 deg; expected a value from -30 to 90 deg."
    assert records[3].error_kind == "NotFoundError" and "no such file" in records[3].error
    assert records[0] == assess_file(case_files[0])


def test_a_running_scheduler_is_used_when_given(case_files: list[Path]):
    # A scheduler in its own process, as a real cluster is: an in-process scheduler driven by a second client in
    # the same interpreter could deadlock (seen once in a fresh-clone CI run).
    with LocalCluster(n_workers=1, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
        records = run_batch(case_files[:3], scheduler=cluster.scheduler_address, progress=False)
    assert records == [assess_file(path) for path in case_files[:3]]


def test_progress_bar_goes_to_stderr(case_files: list[Path], capsys: pytest.CaptureFixture[str]):
    run_batch(case_files[:2], workers=1, processes=False, progress=True)
    captured = capsys.readouterr()
    assert "2/2" in captured.err and captured.out == ""


def test_an_unexpected_error_is_recorded_as_a_bug_not_raised(case_files: list[Path]):
    record = assess_file(case_files[0], kb=object())  # type: ignore[arg-type]
    assert record.status == "failed" and record.error_kind == "AttributeError"
    assert "a Kinetrace bug" in record.error


@pytest.mark.parametrize(("options", "needle"), [
    ({"profile": "bayes"}, "profile: got 'bayes'"),
    ({"workers": 0}, "workers: got 0"),
    ({"scheduler": "nonsense://host:1"}, "not a Dask address"),
])
def test_bad_run_options_raise_one_input_error(case_files: list[Path], options: dict, needle: str):
    with pytest.raises(InputError, match=needle):
        run_batch(case_files[:1], progress=False, **options)


def test_outputs_hold_every_record_and_replace_old_files(case_files: list[Path], tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    records = [assess_file(path) for path in [*case_files[:3], broken]]
    out = tmp_path / "out"
    out.mkdir()
    (out / SUMMARY_NAME).write_text("stale\n", encoding="utf-8")
    written = write_outputs(records, out)
    lines = written.jsonl.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [r.to_json() for r in records]
    with written.summary.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    first = records[0].assessment
    assert rows[0]["action"] == first["triage"]["action"] and rows[0]["top_item"] == first["ranking"][0]["id"]
    assert rows[0]["plan_size"] == str(len(first["plan"]))
    assert float(rows[0]["probability"]) == pytest.approx(first["ranking"][0]["probability"], abs=5e-5)
    assert rows[-1]["status"] == "failed" and "malformed YAML" in rows[-1]["message"]
    assert sorted(p.name for p in out.iterdir()) == sorted([JSONL_NAME, SUMMARY_NAME])  # no temp files left


def test_outputs_into_a_file_path_raise_and_write_nothing(tmp_path: Path):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="--out"):
        write_outputs([], target)
    assert target.read_text(encoding="utf-8") == "x"


def test_inputs_expand_files_folders_and_patterns_once_each(tmp_path: Path):
    case_files = write_case_set(tmp_path)
    folder = tmp_path
    (folder / "notes.txt").write_text("not a case", encoding="utf-8")
    found = expand_inputs([str(case_files[1]), str(folder), str(folder / "case_*.yaml")])
    assert found[0] == case_files[1]
    assert sorted(found) == sorted(case_files)  # each file once; the .txt file is not a case


@pytest.mark.parametrize(("argument", "needle"), [
    ("no/such/*.yaml", "matches at least one file"),
    ("no/such/case.yaml", "an existing case file"),
])
def test_inputs_that_name_nothing_raise_naming_the_argument(argument: str, needle: str):
    with pytest.raises(InputError, match=needle):
        expand_inputs([argument])


def test_a_failure_while_writing_keeps_the_previous_outputs_and_leaves_no_temp_file(tmp_path: Path):
    for name in (JSONL_NAME, SUMMARY_NAME):
        (tmp_path / name).write_text("previous run\n", encoding="utf-8")
    unwritable = BatchRecord(source="x.yaml", case_id="x", status="ok", assessment={"triage": {1, 2}})
    with pytest.raises(TypeError):  # a set is not JSON: the writer stops half-way through the first file
        write_outputs([unwritable], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([JSONL_NAME, SUMMARY_NAME])
    assert all((tmp_path / n).read_text(encoding="utf-8") == "previous run\n" for n in (JSONL_NAME, SUMMARY_NAME))
