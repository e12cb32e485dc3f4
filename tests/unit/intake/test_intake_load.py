"""Reading and parsing case files: formats, and one clear line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinetrace.errors import InputError, NotFoundError
from kinetrace.intake import load_case, parse_case

README_CASE = """\
schema: kinetrace.case/1
patient: {age: 38, sex: female}
pain:
  - {region: lumbar, side: bilateral, intensity: 5, duration_weeks: 12,
     aggravating: [trunk_rotation, prolonged_standing], easing: [walking]}
red_flags: {saddle_numbness: no, bladder_bowel_change: no, cancer_history: no, fever: no, trauma: unknown}
findings:
  hip_ir_prone: {left: 22, right: 38, unit: deg}
  craniovertebral_angle: {value: 49, unit: deg, method: side_photo}
  single_leg_stance_eyes_open: {left: 35, right: 12, unit: s}
"""


def _minimal(**extra: object) -> dict[str, object]:
    return {
        "patient": {"age": 40},
        "pain": [{"region": "lumbar", "intensity": 4, "duration_weeks": 6}],
        **extra,
    }


def test_readme_example_loads_with_yaml_booleans_read_as_answers(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(README_CASE)
    case = load_case(path)
    assert case.patient.age == 38
    assert case.red_flags == {
        "saddle_numbness": "no",
        "bladder_bowel_change": "no",
        "cancer_history": "no",
        "fever": "no",
        "trauma": "unknown",
    }
    assert case.finding_list("hip_ir_prone")[0].left == 22
    assert case.pain[0].aggravating == ["trunk_rotation", "prolonged_standing"]


def test_json_file_loads_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_minimal()))
    assert load_case(path).pain[0].region == "lumbar"


def test_format_is_sniffed_from_content_without_a_known_suffix(tmp_path: Path) -> None:
    as_json = tmp_path / "case.txt"
    as_json.write_text(json.dumps(_minimal()))
    as_yaml = tmp_path / "case"
    as_yaml.write_text(README_CASE)
    assert load_case(as_json).patient.age == 40
    assert load_case(as_yaml).patient.age == 38


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(NotFoundError, match="nope.yaml: no such file"):
        load_case(path)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("patient: {age: 40}\npain:\n  - region: lumbar\n    intensity: [5\n")
    with pytest.raises(InputError, match=r"bad\.yaml: malformed YAML at line \d+, column \d+") as info:
        load_case(path)
    assert "\n" not in str(info.value)


def test_malformed_yaml_reports_the_line_of_the_fault(tmp_path: Path) -> None:
    # line 3 holds a second `:` inside a plain scalar, which YAML rejects there
    path = tmp_path / "bad.yaml"
    path.write_text("patient:\n  age: 40\n  sex: female: yes\n")
    with pytest.raises(InputError, match="at line 3"):
        load_case(path)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"patient": {"age": 40},\n "pain": [}\n')
    with pytest.raises(InputError, match=r"bad\.json: malformed JSON at line 2, column"):
        load_case(path)


def test_empty_file_and_folder_are_input_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("  \n")
    with pytest.raises(InputError, match="is empty"):
        load_case(empty)
    with pytest.raises(InputError, match="is a folder"):
        load_case(tmp_path)


def test_intensity_out_of_range_names_the_field_path_and_bounds() -> None:
    data = _minimal()
    data["pain"] = [{"region": "lumbar", "intensity": 12, "duration_weeks": 6}]
    with pytest.raises(InputError, match="intensity") as info:
        parse_case(data)
    assert str(info.value) == "pain[0].intensity: got 12; expected a whole number from 0 to 10."
    assert info.value.field == "pain[0].intensity"
    assert info.value.value == 12


def test_file_source_prefixes_the_message(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("patient: {age: 40}\npain: [{region: lumbar, intensity: 11, duration_weeks: 2}]\n")
    with pytest.raises(InputError, match=r"c\.yaml: pain\[0\]\.intensity: got 11"):
        load_case(path)


def test_every_problem_is_listed_and_the_message_is_one_line() -> None:
    data = {
        "patient": {"age": 300, "sex": "f"},
        "pain": [{"region": "lumbar", "intensity": -1, "duration_weeks": "long"}],
        "red_flags": {"fever": "maybe"},
    }
    with pytest.raises(InputError) as info:
        parse_case(data)
    problems = info.value.problems
    assert len(problems) == 5
    assert problems[0] == "patient.age: got 300; expected a whole number from 0 to 120."
    assert "patient.sex: got 'f'; expected female, male, other or unknown." in problems
    assert "pain[0].duration_weeks: got 'long'; expected a number from 0 to 5200." in problems
    assert "red_flags.fever: got 'maybe'; expected yes, no or unknown." in problems
    assert "\n" not in str(info.value)
    assert "4 more problems" in str(info.value)


def test_missing_required_field_says_what_is_expected() -> None:
    with pytest.raises(InputError, match=r"patient\.age: is missing; expected a whole number from 0 to 120\."):
        parse_case({"patient": {"sex": "male"}})


def test_unknown_field_suggests_the_closest_name() -> None:
    data = _minimal()
    data["pain"] = [{"region": "lumbar", "intensity": 4, "duration_weeks": 6, "sid": "left"}]
    with pytest.raises(InputError, match=r"pain\[0\]\.sid: unknown field \(did you mean 'side'\?\)"):
        parse_case(data)


def test_wrong_schema_version_is_rejected() -> None:
    with pytest.raises(InputError, match=r"schema: got 'kinetrace.case/9'; expected kinetrace.case/1"):
        parse_case(_minimal(schema="kinetrace.case/9"))


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(InputError, match="expected a mapping of case fields"):
        parse_case([1, 2, 3])


def test_finding_problems_have_clean_paths() -> None:
    data = _minimal(
        findings={
            "hip_ir_prone": {"left": {"x": 1}},
            "leg_length_difference": [{"value": 12, "unit": "mm"}, {"unit": "mm"}],
            "craniovertebral_angle": 49,
        }
    )
    with pytest.raises(InputError) as info:
        parse_case(data)
    assert info.value.problems == [
        "findings.hip_ir_prone.left: got a mapping; expected a number or text.",
        "findings.leg_length_difference[1]: needs a result: left/right, value, category, count or answer.",
        "findings.craniovertebral_angle: got 49; expected a mapping such as {left: 22, right: 38, unit: deg} "
        "or {value: 49, unit: deg}.",
    ]


def test_yaml_yes_no_per_side_become_words() -> None:
    case = parse_case(_minimal(findings={"lat_length_compensation": {"left": True, "right": False}}))
    entry = case.finding_list("lat_length_compensation")[0]
    assert (entry.left, entry.right) == ("yes", "no")


def test_boolean_value_is_not_silently_read_as_one() -> None:
    with pytest.raises(InputError, match=r"findings\.ankle_sprain_history\.value: got 'yes'; expected a number"):
        parse_case(_minimal(findings={"ankle_sprain_history": {"value": True}}))


def test_several_methods_for_one_test_keep_their_order() -> None:
    case = parse_case(
        _minimal(
            findings={
                "leg_length_difference": [
                    {"value": 12, "unit": "mm", "side": "left", "method": "tape"},
                    {"value": 4, "unit": "mm", "side": "left", "method": "lifts"},
                ]
            }
        )
    )
    assert [e.method for e in case.finding_list("leg_length_difference")] == ["tape", "lifts"]


def test_a_repeated_yaml_key_is_refused_with_its_line(tmp_path: Path) -> None:
    # plain YAML would let the second hip_ir_prone silently replace the first
    path = tmp_path / "dup.yaml"
    path.write_text(
        "patient: {age: 40}\nfindings:\n  hip_ir_prone: {left: 20, right: 35}\n  hip_ir_prone: {left: 30, right: 35}\n"
    )
    with pytest.raises(
        InputError, match=r"dup\.yaml: malformed YAML at line 4, column 3: key 'hip_ir_prone' appears twice"
    ):
        load_case(path)


def test_a_repeated_json_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"patient": {"age": 40, "age": 41}}')
    with pytest.raises(InputError, match=r"dup\.json: key 'age' appears twice in one object"):
        load_case(path)


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    for name in ("bom.json", "bom.yaml"):
        path = tmp_path / name
        path.write_text(json.dumps(_minimal()), encoding="utf-8-sig")
        assert load_case(path).patient.age == 40
