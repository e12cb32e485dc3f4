"""Properties of intake: any input gives a Case or one InputError (never a traceback); units never change meaning."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinetrace.errors import InputError
from kinetrace.intake import parse_case, validate_case
from kinetrace.knowledge import load_knowledge
from kinetrace.knowledge.load import KnowledgeBase

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["yes", "no", "unknown", "left", "right", "deg", "cm", "rad", "lumbar", "positive"]),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_UNITS = ["deg", "rad", "mm", "cm", "in", "s", "ms", "points", "count", "none", "furlong", None]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _entry() -> st.SearchStrategy[dict[str, Any]]:
    keys = ["left", "right", "value", "category", "count", "answer", "side", "unit", "method", "uncertainty"]
    values: dict[str, st.SearchStrategy[Any]] = dict.fromkeys(keys, _scalars)
    values["unit"] = st.sampled_from(_UNITS)
    return st.fixed_dictionaries({}, optional=values)


@settings(max_examples=150, deadline=None)
@given(
    patient=_json | st.fixed_dictionaries({"age": _scalars}, optional={"sex": _scalars}),
    pain=_json
    | st.lists(
        st.fixed_dictionaries({"region": _scalars, "intensity": _scalars, "duration_weeks": _scalars}), max_size=2
    ),
    red_flags=_json,
    findings=_json,
)
def test_any_shape_gives_a_case_or_one_input_error(patient: Any, pain: Any, red_flags: Any, findings: Any) -> None:
    try:
        parse_case({"patient": patient, "pain": pain, "red_flags": red_flags, "findings": findings})
    except InputError as exc:
        assert "\n" not in str(exc)
        assert exc.problems and exc.problems[0] in str(exc)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_finding_for_a_real_test_is_measured_or_refused_with_one_line(
    kb: KnowledgeBase, data: st.DataObject
) -> None:
    test_id = data.draw(st.sampled_from(sorted(kb.tests)))
    entry = data.draw(_entry())
    try:
        case = parse_case({"patient": {"age": 40}, "findings": {test_id: entry}})
    except InputError:
        return
    try:
        measurements = validate_case(case, kb)
    except InputError as exc:
        assert "\n" not in str(exc)
        assert test_id in str(exc)
        return
    test = kb.tests[test_id]
    (m,) = measurements.for_test(test_id)
    assert m.unit == test.unit
    for v in (m.left, m.right, m.value):
        if isinstance(v, float) and test.valid_range is not None:
            assert test.valid_range.min <= v <= test.valid_range.max


@settings(max_examples=100, deadline=None)
@given(mm=st.floats(0, 100))
def test_a_length_means_the_same_in_mm_cm_and_inches(kb: KnowledgeBase, mm: float) -> None:
    def measured(value: float, unit: str) -> float:
        case = parse_case(
            {"patient": {"age": 40}, "findings": {"leg_length_difference": {"value": value, "unit": unit}}}
        )
        (m,) = validate_case(case, kb).for_test("leg_length_difference")
        assert m.value is not None
        return m.value

    assert measured(mm / 10, "cm") == pytest.approx(mm, abs=1e-9)
    assert measured(mm / 25.4, "in") == pytest.approx(mm, abs=1e-9)
