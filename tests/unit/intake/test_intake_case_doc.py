"""docs/case-format.md: its example case validates, its Python example runs, and its error lines are real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kinetrace.errors import InputError
from kinetrace.intake import load_case, parse_case, validate_case
from kinetrace.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, flags=re.S)


def test_the_example_case_validates() -> None:
    case = parse_case(yaml.safe_load(_blocks("yaml")[0]))
    measurements = validate_case(case, load_knowledge())
    assert len(measurements.for_test("leg_length_difference")) == 2


def test_the_python_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(_blocks("python")[0], "case-format.md", "exec"), {})  # noqa: S102 (the doc's own example)
    assert "proceed_with_safety_netting" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "mutate"),
    [
        ("pain[0].intensity: got 12", lambda d: d["pain"][0].update(intensity=12)),
        (
            "findings.hip_ir_prone.left: got 400 deg; expected a value from -30 to 90 deg.",
            lambda d: d["findings"]["hip_ir_prone"].update(left=400),
        ),
        (
            "findings.craniovertebral_angle.unit: got 'cm'; expected deg or rad, "
            "as craniovertebral_angle is measured in deg.",
            lambda d: d["findings"]["craniovertebral_angle"].update(unit="cm"),
        ),
        (
            "findings.hip_ir_prne: unknown test id 'hip_ir_prne' (did you mean 'hip_ir_prone'?)",
            lambda d: d["findings"].update(hip_ir_prne=d["findings"].pop("hip_ir_prone")),
        ),
    ],
)
def test_the_error_lines_shown_are_what_kinetrace_says(line: str, mutate: object) -> None:
    assert line in DOC
    data = yaml.safe_load(_blocks("yaml")[0])
    mutate(data)  # type: ignore[operator]
    with pytest.raises(InputError) as info:
        validate_case(parse_case(data), load_knowledge())
    assert line in str(info.value)


def test_the_file_error_lines_shown_are_what_kinetrace_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("case.yaml").write_text("schema: kinetrace.case/1\npatient: {age: 40}\npain:\n  - region: lumbar: 5\n")
    with pytest.raises(InputError) as bad:
        load_case("case.yaml")
    assert str(bad.value) in DOC
    Path("case.yaml").unlink()
    with pytest.raises(InputError) as missing:
        load_case("case.yaml")
    assert str(missing.value) in DOC
