"""`kinetrace posture` and `kinetrace assess --photos` on real frames: output, exit codes, one error per file."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from posture_media import demo_photos


@dataclass
class Run:
    """What one in-process CLI run printed and returned."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def kinetrace(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the real CLI entry point in-process (as the console script does) and capture its output."""
    from kinetrace.cli.app import main

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return demo_photos(tmp_path_factory.mktemp("cli-photos"))


def test_posture_prints_json_writes_csv_and_annotations(
    kinetrace: Callable[..., Run], photos: dict[str, Path], tmp_path: Path
) -> None:
    out = kinetrace("posture", str(photos["side"]), str(photos["front"]), "--height-cm", "172", "--json",
                     "--annotate", str(tmp_path / "ann"), "--csv", str(tmp_path / "m.csv"))
    # the walking side view is refused by a capture gate: exit 3, one line for it, the front photo still reported
    assert out.returncode == 3, out.stderr
    assert out.stderr.splitlines() == ["Error: side.jpg: refused by capture gate(s) knees_straight, stance_width; "
                                       "not measured"]
    data = json.loads(out.stdout)
    assert data["schema"] == "kinetrace.posture/1"
    assert {p["view"] for p in data["photos"]} == {"left", "front"}
    side = next(p for p in data["photos"] if p["view"] == "left")  # a woman walking: refused (issue 9)
    assert side["refused"] and {"gate", "value", "expected", "message"} <= set(side["refused_by"][0])
    assert "stance_width" in {g["gate"] for g in side["refused_by"]}
    po = next(m for m in data["metrics"] if m["metric_id"] == "pelvic_obliquity_angle")
    assert po["status"] == "ok" and po["unit"] == "deg" and po["validated"] is True
    front = next(p for p in data["photos"] if p["view"] == "front")
    lm = next(m for m in front["measurements"] if m["metric_id"] == "pelvic_obliquity_angle")["landmarks"]
    assert lm and {"provenance", "stands_for"} <= set(lm[0])
    assert len(list((tmp_path / "ann").glob("*_posture.jpg"))) == 2
    assert (tmp_path / "m.csv").read_text().startswith("source,view,metric_id")


def test_posture_table_marks_what_a_view_cannot_show(kinetrace: Callable[..., Run], photos: dict[str, Path]) -> None:
    out = kinetrace("posture", str(photos["front"]), "--view", "front")
    assert out.returncode == 0, out.stderr
    assert "Pelvic obliquity" in out.stdout and "pelvic_obliquity_angle:" not in out.stdout.split("warning")[0]
    assert "not measurable (needs a left or right view" in out.stdout
    assert "Craniovertebral angle" in out.stdout.split("not measurable")[1]  # listed once, below the table
    assert max(len(line) for line in out.stdout.splitlines()) <= 80  # readable in an 80-column terminal


def test_a_photo_refused_by_a_gate_is_named_once_and_exits_2_when_nothing_is_left(
    kinetrace: Callable[..., Run], photos: dict[str, Path]
) -> None:
    out = kinetrace("posture", str(photos["side"]))
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "Error: side.jpg: refused by capture gate(s) knees_straight, stance_width; not measured",
        "Error: no photo passed the capture gates",
    ]
    assert out.stdout.count("refused by gate stance_width") == 1  # the gate, its value and bound, printed once
    assert "No metric measured: no photo passed the capture gates" in out.stdout
    assert "Posture metrics" not in out.stdout  # no table of rows that all repeat the refusal


def test_some_bad_files_give_one_error_each_and_exit_3(
    kinetrace: Callable[..., Run], photos: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "text.jpg").write_text("not a photo")
    out = kinetrace("posture", str(tmp_path / "text.jpg"), str(photos["front"]))
    assert out.returncode == 3
    errors = [line for line in out.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: text.jpg: not an image file (expected JPEG, PNG, ...)"]
    assert "Traceback" not in out.stderr
    assert "Pelvic obliquity" in out.stdout


def test_no_usable_photo_exits_2_and_a_bad_view_names_the_field(kinetrace: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_text("x")
    out = kinetrace("posture", str(tmp_path / "a.jpg"))
    assert out.returncode == 2 and "Error: no photo could be used" in out.stderr
    out = kinetrace("posture", str(tmp_path / "a.jpg"), "--view", "sideways")
    assert out.returncode == 2 and "view" in out.stderr and "Traceback" not in out.stderr


def test_assess_merges_photo_findings(kinetrace: Callable[..., Run], photos: dict[str, Path], tmp_path: Path) -> None:
    case = {"schema": "kinetrace.case/1", "patient": {"age": 40},
            "pain": [{"region": "cervical_lower", "intensity": 4, "duration_weeks": 10}]}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case))
    out = kinetrace("assess", str(path), "--photos", str(photos["front"]), "--format", "json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert "photo:front.jpg" in json.dumps(result["findings"])


def test_the_pose_model_native_start_up_log_stays_off_the_terminal(photos: dict[str, Path]) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-m", "kinetrace", "posture", str(photos["front"])],
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no "INFO: Created TensorFlow Lite XNNPACK delegate", no absl "W0000 …" lines
    env["KINETRACE_NATIVE_LOG"] = "1"
    loud = subprocess.run([sys.executable, "-m", "kinetrace", "posture", str(photos["front"])],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert "XNNPACK" in loud.stderr  # the switch shows them again, for debugging a model
