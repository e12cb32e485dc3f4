"""Case checks that need the knowledge base: known ids, entry shape per test, units and physiological ranges.

`validate_case` returns the case's findings as `Measurement`s in each test's canonical unit, or raises one
`InputError` naming the first problem (all of them are in `.problems`):

    findings.hip_ir_prone.left: got 400 deg; expected a value from -30 to 90 deg.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kinetrace.errors import InputError
from kinetrace.intake._messages import (
    Loc,
    Problem,
    closest,
    join_path,
    number,
    one_of,
    problem,
    raise_problems,
)
from kinetrace.intake.case import Answer, Case, FindingInput
from kinetrace.intake.measurements import CaseMeasurements, Measurement
from kinetrace.knowledge.schema import ClinicalTest
from kinetrace.units import Side, convert, parse_unit

if TYPE_CHECKING:
    from kinetrace.knowledge.load import KnowledgeBase

__all__ = ["validate_case"]

_RESULT_FIELDS = ("left", "right", "value", "category", "count", "answer")
_SINGLE_FIELD = {"numeric": "value", "categorical": "category", "count": "count", "yes_no": "answer"}
_ANSWERS: dict[str, Answer] = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "unknown": "unknown"}
_ALL_UNITS = ("deg", "rad", "mm", "cm", "in", "m", "s", "ms", "min", "mmHg", "points", "count")


def validate_case(case: Case, kb: KnowledgeBase, *, source: str = "case") -> CaseMeasurements:
    """Check the case against the knowledge base and return its measurements in canonical units.

    Checks: pain regions are known region ids; red-flag answer keys are known question ids; every finding
    names a known test, has the shape that test takes (left/right, value, category, count or answer), a unit
    convertible to the test's unit, and values inside the test's valid range after conversion.

    Raises:
        InputError: naming the first problem (field path, value received, what was expected); every problem
            found is in its `problems` attribute.

    >>> from kinetrace.intake import parse_case
    >>> from kinetrace.knowledge import load_knowledge
    >>> case = parse_case({"patient": {"age": 38},
    ...                    "findings": {"hip_ir_prone": {"left": 0.4, "right": 0.66, "unit": "rad"}}})
    >>> (ir,) = validate_case(case, load_knowledge()).for_test("hip_ir_prone")
    >>> round(ir.left, 1), round(ir.right, 1), ir.unit
    (22.9, 37.8, 'deg')
    """
    problems: list[Problem] = []
    _check_regions(case, kb, problems)
    _check_answer_keys(case, kb, problems)
    measurements: list[Measurement] = []
    for test_id, raw in case.findings.items():
        test = kb.tests.get(test_id)
        if test is None:
            problems.append(
                _unknown_id(
                    ["findings", test_id],
                    test_id,
                    "test",
                    list(kb.tests),
                    "a test id from `kinetrace kb list tests`",
                )
            )
            continue
        entries = raw if isinstance(raw, list) else [raw]
        for index, entry in enumerate(entries):
            loc: list[str | int] = ["findings", test_id, index] if isinstance(raw, list) else ["findings", test_id]
            found = _measure(test, entry, index=index, loc=loc, problems=problems)
            if found is not None:
                measurements.append(found)
    raise_problems(problems, source=source)
    return CaseMeasurements(tuple(measurements))


def _unknown_id(loc: Loc, value: str, kind: str, known: Sequence[str], expected: str) -> Problem:
    path = join_path(loc)
    best = closest(value, known)
    hint = f" (did you mean {best!r}?)" if best else ""
    return Problem(path, value, expected, f"{path}: unknown {kind} id {value!r}{hint}; expected {expected}.")


def _check_regions(case: Case, kb: KnowledgeBase, problems: list[Problem]) -> None:
    for i, entry in enumerate(case.pain):
        if entry.region not in kb.regions:
            expected = "one of the region ids " + one_of(list(kb.regions))
            problems.append(_unknown_id(["pain", i, "region"], entry.region, "region", list(kb.regions), expected))


def _check_answer_keys(case: Case, kb: KnowledgeBase, problems: list[Problem]) -> None:
    for key in case.red_flags:
        if key not in kb.questions:
            problems.append(
                _unknown_id(
                    ["red_flags", key],
                    key,
                    "question",
                    list(kb.questions),
                    "a red-flag question id from the knowledge base (questions.yaml)",
                )
            )


# --- one finding entry --------------------------------------------------------------------------------


def _shape_text(test: ClinicalTest) -> str:
    unit = f" in {test.unit}" if test.unit not in {"none", "count", "points"} else ""
    if test.bilateral:
        what = {
            "numeric": f"numbers{unit}",
            "categorical": "categories",
            "yes_no": "yes or no",
            "count": "counts",
        }[test.kind]
        return f"left and/or right ({what}) for this two-sided test"
    return {
        "numeric": f"value (a number{unit}), with side where it matters",
        "categorical": f"category (one of {one_of(test.categories)})",
        "count": "count (how many items are positive)",
        "yes_no": "answer (yes, no or unknown)",
    }[test.kind]


def _measure(
    test: ClinicalTest, entry: FindingInput, *, index: int, loc: list[str | int], problems: list[Problem]
) -> Measurement | None:
    before = len(problems)
    allowed = {"left", "right"} if test.bilateral else {_SINGLE_FIELD[test.kind]}
    given = [f for f in _RESULT_FIELDS if getattr(entry, f) is not None]
    if not set(given) <= allowed or not set(given) & allowed:
        expected = _shape_text(test)
        path = join_path(loc)
        problems.append(
            Problem(path, ", ".join(given), expected, f"{path}: got {', '.join(given)}; expected {expected}.")
        )
        return None
    entered = _entered_unit(test, entry, loc, problems)
    if entered is None:
        return None
    values = {f: _read(test, f, getattr(entry, f), entered=entered, loc=[*loc, f], problems=problems) for f in given}
    if len(problems) > before:
        return None
    uncertainty = entry.uncertainty
    if uncertainty is not None and test.kind == "numeric":
        uncertainty = convert(uncertainty, entered, test.unit)
    spread = entry.spread
    if spread is not None and test.kind == "numeric":
        spread = convert(spread, entered, test.unit)
    return Measurement(
        test_id=test.id,
        entry_index=index,
        path=join_path(loc),
        unit=test.unit,
        left=values.get("left"),
        right=values.get("right"),
        value=_float(values.get("value")),
        category=_str(values.get("category")),
        count=entry.count,
        answer=entry.answer,
        side=Side(entry.side) if entry.side is not None else None,
        method=entry.method,
        source=entry.source,
        uncertainty=uncertainty,
        entered_unit=entry.unit,
        validated=entry.validated,
        review=entry.review,
        confirmed=entry.confirmed,
        photos=entry.photos,
        spread=spread,
    )


def _float(value: float | str | None) -> float | None:
    return value if isinstance(value, float) else None


def _str(value: float | str | None) -> str | None:
    return value if isinstance(value, str) else None


def _entered_unit(test: ClinicalTest, entry: FindingInput, loc: list[str | int], problems: list[Problem]) -> str | None:
    """Return the entry's unit, canonically spelt (the test's unit when none was given); None on error."""
    if entry.unit is None:
        return test.unit
    path = [*loc, "unit"]
    try:
        unit = parse_unit(entry.unit, field=join_path(path))
    except InputError:
        problems.append(problem(path, entry.unit, "one of " + one_of(_ALL_UNITS)))
        return None
    if test.kind != "numeric" and unit == "none":
        return test.unit
    if _converts(unit, test.unit):
        return unit
    fits = [u for u in _ALL_UNITS if _converts(u, test.unit)]
    expected = f"{one_of(fits)}, as {test.id} is measured in {test.unit}" if fits else f"{test.unit}"
    problems.append(problem(path, entry.unit, expected))
    return None


def _converts(unit: str, target: str) -> bool:
    try:
        convert(1.0, unit, target)
    except InputError:
        return False
    return True


def _read(
    test: ClinicalTest,
    field: str,
    raw: object,
    *,
    entered: str,
    loc: list[str | int],
    problems: list[Problem],
) -> float | str | None:
    """Check one result field against the test; return it in canonical form (None after a problem)."""
    if test.kind in {"numeric", "count"} and field != "answer":
        return _read_number(test, raw, entered, loc, problems)
    if test.kind == "categorical":
        if raw in test.categories:
            return str(raw)
        best = closest(str(raw), test.categories)
        hint = f" (did you mean {best!r}?)" if best else ""
        path = join_path(loc)
        expected = "one of " + one_of(test.categories)
        problems.append(Problem(path, raw, expected, f"{path}: got {raw!r}{hint}; expected {expected}."))
        return None
    answer = _ANSWERS.get(str(raw).strip().lower())
    if answer is None:
        problems.append(problem(loc, raw, "yes, no or unknown"))
    return answer


def _as_number(raw: object) -> float | None:
    """Return a number given as a number or as numeric text (forms send text); None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            return None
    return None


def _read_number(
    test: ClinicalTest, raw: object, entered: str, loc: list[str | int], problems: list[Problem]
) -> float | None:
    unit_text = "" if test.unit in {"none", "count"} else f" {test.unit}"
    number_in = _as_number(raw)
    if number_in is None:
        problems.append(problem(loc, raw, "a number" + (f" in{unit_text}" if unit_text else "")))
        return None
    value = convert(number_in, entered, test.unit)
    rng = test.valid_range
    if rng is not None and not rng.min <= value <= rng.max:
        shown = f"{number(number_in)} {entered}" if entered not in {"none", "count"} else number(number_in)
        if entered != test.unit:
            shown += f" (= {value:.4g}{unit_text})"
        expected = f"a value from {number(rng.min)} to {number(rng.max)}{unit_text}"
        problems.append(problem(loc, number_in, expected, got=shown))
        return None
    return value
