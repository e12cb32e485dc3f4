"""Case checks against the knowledge base: ids, entry shapes, units and valid ranges (tiny fixture KB)."""

from __future__ import annotations

import math

import pytest

from kinetrace.errors import InputError
from kinetrace.intake import Measurement, parse_case, validate_case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.units import Side


def _case(findings: dict[str, object] | None = None, **extra: object):  # noqa: ANN202 (test helper)
    data: dict[str, object] = {
        "patient": {"age": 40},
        "pain": [{"region": "lumbar", "intensity": 4, "duration_weeks": 6}],
        **extra,
    }
    if findings is not None:
        data["findings"] = findings
    return parse_case(data)


def _one(kb: KnowledgeBase, test_id: str, entry: object) -> Measurement:
    (m,) = validate_case(_case({test_id: entry}), kb).for_test(test_id)
    return m


def test_hip_ir_of_400_deg_is_an_impossible_value(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match="hip_ir_prone") as info:
        validate_case(_case({"hip_ir_prone": {"left": 400, "right": 38, "unit": "deg"}}), tiny_kb)
    # the fixture's valid range is −30…90° (clinical.md B15 gives normal IR 35–45°; 90° is a hard ceiling)
    assert str(info.value) == "findings.hip_ir_prone.left: got 400 deg; expected a value from -30 to 90 deg."


def test_radians_convert_to_degrees(tiny_kb: KnowledgeBase) -> None:
    m = _one(tiny_kb, "hip_ir_prone", {"left": 0.5, "right": math.pi / 6, "unit": "rad", "uncertainty": 0.05})
    assert m.unit == "deg"
    assert m.left == pytest.approx(28.6479, abs=1e-3)  # 0.5 rad × 180/π
    assert m.right == pytest.approx(30.0)
    assert m.uncertainty == pytest.approx(2.8648, abs=1e-3)
    assert m.entered_unit == "rad"


def test_radians_out_of_range_show_both_units(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match=r"got 7 rad \(= 401.1 deg\); expected a value from -30 to 90 deg"):
        validate_case(_case({"hip_ir_prone": {"left": 7, "unit": "rad"}}), tiny_kb)


@pytest.mark.parametrize(("value", "unit", "mm"), [(12, "mm", 12.0), (1.2, "cm", 12.0), (0.5, "in", 12.7)])
def test_lengths_convert_to_millimetres(tiny_kb: KnowledgeBase, value: float, unit: str, mm: float) -> None:
    m = _one(tiny_kb, "leg_length_difference", {"value": value, "unit": unit, "side": "left", "method": "tape"})
    assert m.value == pytest.approx(mm)
    assert m.side is Side.LEFT
    assert m.method == "tape"


def test_milliseconds_convert_to_seconds(tiny_kb: KnowledgeBase) -> None:
    m = _one(tiny_kb, "single_leg_stance_eyes_open", {"left": 35000, "right": 12000, "unit": "ms"})
    assert (m.left, m.right) == (pytest.approx(35.0), pytest.approx(12.0))


def test_missing_unit_means_the_tests_own_unit(tiny_kb: KnowledgeBase) -> None:
    assert _one(tiny_kb, "craniovertebral_angle", {"value": 49}).value == 49.0


def test_a_length_unit_for_an_angle_is_a_wrong_unit(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match="unit") as info:
        validate_case(_case({"craniovertebral_angle": {"value": 49, "unit": "cm"}}), tiny_kb)
    assert str(info.value) == (
        "findings.craniovertebral_angle.unit: got 'cm'; expected deg or rad, "
        "as craniovertebral_angle is measured in deg."
    )


def test_an_unknown_unit_lists_the_known_ones(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match=r"\.unit: got 'furlongs'; expected one of deg, rad"):
        validate_case(_case({"craniovertebral_angle": {"value": 49, "unit": "furlongs"}}), tiny_kb)


def test_unknown_test_id_suggests_the_closest(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match=r"unknown test id 'hip_ir_prne' \(did you mean 'hip_ir_prone'\?\)") as info:
        validate_case(_case({"hip_ir_prne": {"left": 20, "right": 30}}), tiny_kb)
    assert info.value.field == "findings.hip_ir_prne"


def test_bilateral_test_given_a_single_value_is_a_shape_error(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match=r"findings\.hip_ir_prone: got value; expected left and/or right"):
        validate_case(_case({"hip_ir_prone": {"value": 20, "unit": "deg"}}), tiny_kb)


def test_single_test_given_sides_is_a_shape_error(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match=r"craniovertebral_angle: got left, right; expected value"):
        validate_case(_case({"craniovertebral_angle": {"left": 50, "right": 48}}), tiny_kb)


def test_categorical_result_must_be_a_known_category(tiny_kb: KnowledgeBase) -> None:
    assert _one(tiny_kb, "sahrmann_lumbar_direction", {"category": "rotation"}).category == "rotation"
    with pytest.raises(InputError, match=r"got 'rotaton' \(did you mean 'rotation'\?\); expected one of none, "):
        validate_case(_case({"sahrmann_lumbar_direction": {"category": "rotaton"}}), tiny_kb)


def test_categorical_per_side(tiny_kb: KnowledgeBase) -> None:
    m = _one(tiny_kb, "straight_leg_raise", {"left": "positive", "right": "negative"})
    assert (m.left, m.right) == ("positive", "negative")
    with pytest.raises(InputError, match=r"straight_leg_raise\.right: got 'maybe'"):
        validate_case(_case({"straight_leg_raise": {"left": "positive", "right": "maybe"}}), tiny_kb)


def test_cluster_count_is_checked_against_its_range(tiny_kb: KnowledgeBase) -> None:
    assert _one(tiny_kb, "laslett_sij_cluster", {"count": 3}).count == 3
    with pytest.raises(InputError, match=r"laslett_sij_cluster\.count: got 7; expected a value from 0 to 5\."):
        validate_case(_case({"laslett_sij_cluster": {"count": 7}}), tiny_kb)


def test_yes_no_tests_take_an_answer_or_sides(tiny_kb: KnowledgeBase) -> None:
    assert _one(tiny_kb, "ankle_sprain_history", {"answer": True}).answer == "yes"
    m = _one(tiny_kb, "lat_length_compensation", {"left": True, "right": False})
    assert (m.left, m.right) == ("yes", "no")
    with pytest.raises(InputError, match=r"ankle_sprain_history: got count; expected answer \(yes, no or unknown\)"):
        validate_case(_case({"ankle_sprain_history": {"count": 1}}), tiny_kb)


def test_several_entries_keep_index_and_path(tiny_kb: KnowledgeBase) -> None:
    case = _case(
        {
            "leg_length_difference": [
                {"value": 12, "unit": "mm", "method": "tape"},
                {"value": 0.4, "unit": "cm", "method": "lifts"},
            ]
        }
    )
    tape, lifts = validate_case(case, tiny_kb).for_test("leg_length_difference")
    assert (tape.entry_index, lifts.entry_index) == (0, 1)
    assert lifts.path == "findings.leg_length_difference[1]"
    assert lifts.value == pytest.approx(4.0)


def test_out_of_range_entry_in_a_list_is_named_by_index(tiny_kb: KnowledgeBase) -> None:
    case = _case({"leg_length_difference": [{"value": 12}, {"value": 300, "unit": "mm"}]})
    with pytest.raises(InputError, match=r"leg_length_difference\[1\]\.value: got 300 mm"):
        validate_case(case, tiny_kb)


def test_unknown_region_and_question_ids_are_named(tiny_kb: KnowledgeBase) -> None:
    case = parse_case(
        {
            "patient": {"age": 40},
            "pain": [{"region": "lumbr", "intensity": 4, "duration_weeks": 6}],
            "red_flags": {"saddle_numbnes": "no"},
        }
    )
    with pytest.raises(InputError) as info:
        validate_case(case, tiny_kb)
    assert info.value.problems[0].startswith("pain[0].region: unknown region id 'lumbr' (did you mean 'lumbar'?)")
    assert info.value.problems[1].startswith(
        "red_flags.saddle_numbnes: unknown question id 'saddle_numbnes' (did you mean 'saddle_numbness'?)"
    )


def test_valid_case_returns_measurements_in_case_order(tiny_kb: KnowledgeBase) -> None:
    case = _case(
        {
            "hip_ir_prone": {"left": 22, "right": 38, "unit": "deg"},
            "craniovertebral_angle": {
                "value": 49,
                "unit": "deg",
                "method": "side_photo",
                "source": "photo:side.jpg",
                "uncertainty": 2.5,
            },
        }
    )
    result = validate_case(case, tiny_kb)
    assert result.test_ids == ("hip_ir_prone", "craniovertebral_angle")
    cva = result.for_test("craniovertebral_angle")[0]
    assert (cva.value, cva.source, cva.uncertainty) == (49.0, "photo:side.jpg", 2.5)
    assert result.for_test("laslett_sij_cluster") == ()


def test_numbers_sent_as_text_are_read_and_words_are_refused(tiny_kb: KnowledgeBase) -> None:
    # web forms send text; "22" is a number, "stiff" is not
    m = _one(tiny_kb, "hip_ir_prone", {"left": "22", "right": " 38.5 "})
    assert (m.left, m.right) == (22.0, 38.5)
    with pytest.raises(InputError, match=r"findings\.hip_ir_prone\.left: got 'stiff'; expected a number in deg\."):
        validate_case(_case({"hip_ir_prone": {"left": "stiff"}}), tiny_kb)


def test_not_a_number_is_an_impossible_value(tiny_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match=r"craniovertebral_angle\.value: got nan deg"):
        validate_case(_case({"craniovertebral_angle": {"value": float("nan")}}), tiny_kb)
