"""Every example in docs/knowledge-authoring.md is valid: YAML entries pass their schema, the Python runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kinetrace.knowledge import KB_FILES
from kinetrace.knowledge.load import OPTIONAL_KB_FILES

DOC = Path(__file__).resolve().parents[2] / "docs" / "knowledge-authoring.md"
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
YAML_BLOCKS = [body for lang, body in BLOCKS if lang == "yaml"]


def test_the_guide_has_examples_for_each_kind() -> None:
    files = {body.splitlines()[0].removeprefix("# ").strip() for body in YAML_BLOCKS}
    assert {"edges.yaml", "tests.yaml", "interventions.yaml", "red_flags.yaml", "questions.yaml"} <= files


@pytest.mark.parametrize("body", YAML_BLOCKS, ids=lambda b: b.splitlines()[0].removeprefix("# "))
def test_yaml_example_validates_against_its_schema(body: str) -> None:
    file = body.splitlines()[0].removeprefix("# ").strip()
    _, model = {**KB_FILES, **OPTIONAL_KB_FILES}[file]
    entries = yaml.safe_load(body)
    assert isinstance(entries, list) and entries
    for entry in entries:
        model.model_validate(entry)


def test_python_example_runs_and_prints_what_the_comment_says(capsys: pytest.CaptureFixture[str]) -> None:
    code = next(body for lang, body in BLOCKS if lang == "python")
    exec(compile(code, str(DOC), "exec"), {})  # runs our own documentation example
    assert capsys.readouterr().out.split() == ["limited_hip_ir", "below", "30.0", "10.0"]
