"""Typed clinical values: grades and action levels behave as clinical.md §0.1 and §E say, and no module outside
`kinetrace/values.py` compares grade letters or action-level strings itself (the AST scan below).

The scan parses every module of the package (so comments, docstrings and prose in f-strings never trip it) and
looks for a string that is a grade or an action-level id used as a comparison operand, a `startswith`/`endswith`
argument, a member of a literal set/tuple/list that something is compared with, or a key of a literal dict (a
lookup table is a comparison in disguise). It also fails on an action-level id written as a string anywhere.
"""

from __future__ import annotations

import ast
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from kinetrace.values import (
    ActionLevel,
    ConflictKind,
    Grade,
    GradeLevel,
    PainSide,
    Side,
    State,
    is_expert_opinion_source,
    opposite_side,
    pain_side_to_side,
)

PACKAGE = Path(str(resources.files("kinetrace")))
OWN_MODULE = PACKAGE / "values.py"
ACTION_IDS = frozenset(a.value for a in ActionLevel)
# every grade token of clinical.md §0.1 that code might be tempted to test for
GRADE_TOKENS = frozenset({*(g.value for g in GradeLevel), "✗", "—", "EO ✗", "A/B", "B/C"})


def _is_grade_or_action(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and (
        node.value in GRADE_TOKENS or node.value in ACTION_IDS)


def _literal_members(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return list(node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"set", "frozenset"}:
        return [m for arg in node.args for m in _literal_members(arg)]
    return []


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for op in operands:
                members = [op, *_literal_members(op)]
                found += [(node.lineno, "compared") for m in members if _is_grade_or_action(m)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {
                "startswith", "endswith"}:
            found += [(node.lineno, node.func.attr) for a in node.args if _is_grade_or_action(a)]
        elif isinstance(node, ast.Dict):
            found += [(node.lineno, "dict key") for k in node.keys if k is not None and _is_grade_or_action(k)]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            members = _literal_members(value) if value is not None else []
            found += [(node.lineno, "set of ids") for m in members if _is_grade_or_action(m)]
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ACTION_IDS:
            found.append((getattr(node, "lineno", 0), "action-level id written as a string"))
    return found


def _scan(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(PACKAGE.parent)
    return sorted({f"{rel}:{line}: {what}" for line, what in _offences(tree)})


def test_no_grade_or_action_level_string_is_compared_outside_values() -> None:
    offences = [o for path in sorted(PACKAGE.rglob("*.py")) if path != OWN_MODULE for o in _scan(path)]
    assert offences == [], "use kinetrace.values (Grade, GradeLevel, ActionLevel) instead:\n" + "\n".join(offences)


# Impairment states and body sides: the scan below fails on a state or side string that is *compared* (an operand,
# a member of a literal set/tuple it is compared with, a `startswith` argument). Dict keys and assignments are left
# alone here, since those strings are also the keys of the JSON/YAML output. States are checked across the whole
# package; sides everywhere but the few modules in SIDE_EXEMPT.
STATE_IDS = frozenset(s.value for s in State)
SIDE_IDS = frozenset({*(s.value for s in Side if s is not Side.NONE),
                      *(p.value for p in PainSide if p is not PainSide.NONE)})
# Modules whose "left"/"right" are not side values; the scan cannot tell them apart, so they are named here.
SIDE_EXEMPT = {
    "metrics/posture.py": "camera view names (catalogue.View: a photo taken from the person's left or right)",
    "vision/plots.py": "landmark-name prefixes (left_hip) picking a line colour",
    "capture/outputs.py": "landmark-name substrings picking a line colour",
}


def _compared(tree: ast.AST, tokens: frozenset[str]) -> list[tuple[int, str]]:
    def hit(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in tokens

    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            members = [m for op in [node.left, *node.comparators] for m in [op, *_literal_members(op)]]
            found += [(node.lineno, f"compared {ast.literal_eval(m)!r}") for m in members if hit(m)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {
                "startswith", "endswith"}:
            found += [(node.lineno, f"{node.func.attr} {ast.literal_eval(a)!r}") for a in node.args if hit(a)]
    return found


def test_no_state_or_side_string_is_compared_outside_values() -> None:
    assert all((PACKAGE / rel).is_file() for rel in SIDE_EXEMPT), "an exempt module moved: update SIDE_EXEMPT"
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == OWN_MODULE:
            continue
        rel = path.relative_to(PACKAGE).as_posix()
        tokens = STATE_IDS | (frozenset() if rel in SIDE_EXEMPT else SIDE_IDS)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offences += [f"kinetrace/{rel}:{line}: {what}" for line, what in _compared(tree, tokens)]
    assert offences == [], "use kinetrace.values (State, Side, SINGLE_SIDES, opposite_side) instead:\n" + "\n".join(
        offences)


@pytest.mark.parametrize("source", [
    'ok = item.state == "present"',
    'ok = state not in ("present", "probable")',
    'ok = states.get(x) != "absent"',
    'ok = "indeterminate" == t.state',
    'ok = metric.side in {"left", "right"}',
    'ok = side == "bilateral"',
    'ok = label.endswith("central")',
])
def test_the_state_and_side_scan_catches_each_way_of_comparing(source: str) -> None:
    assert _compared(ast.parse(source), STATE_IDS | SIDE_IDS), source


def test_the_state_and_side_scan_lets_output_keys_and_prose_through() -> None:
    source = ('"""A present finding on the left side."""\nrow = {"left": 1, "right": 2}\n'
              'words = {"present": "present beyond error"}\ntext = f"{side} leg, {state}"\nname = "left_hip"\n')
    assert _compared(ast.parse(source), STATE_IDS | SIDE_IDS) == []


def test_opposite_side_swaps_left_and_right_only() -> None:
    assert opposite_side("left") is Side.RIGHT and opposite_side(Side.RIGHT) is Side.LEFT
    with pytest.raises(ValueError, match="'both'"):
        opposite_side("both")


@pytest.mark.parametrize("source", [
    'ok = "✗" in grade',
    'ok = grade.startswith("EO")',
    'ok = action in {"emergency_referral", "urgent_referral"}',
    'ok = action == "routine_referral"',
    'ORDER = {"A": 4, "B": 3, "C": 2, "EO": 1}',
    'STOP = frozenset({"urgent_referral"})',
])
def test_the_scan_catches_each_way_of_writing_it(source: str) -> None:
    assert _offences(ast.parse(source)), source


def test_the_scan_lets_prose_and_docstrings_through() -> None:
    source = '"""Grade "A" means strong; urgent_referral sends to a doctor."""\ntext = f"grade {g} (EO)"\n'
    assert _offences(ast.parse(source)) == []


def test_grades_parse_into_their_parts() -> None:
    # clinical.md §0.1: a split grade counts at its lower level; ✗ marks a contradicted claim
    assert Grade("A/B").weakest is GradeLevel.B and not Grade("A/B").is_contradicted
    assert Grade("EO ✗").weakest is GradeLevel.EO and Grade("EO ✗").is_contradicted
    assert Grade("✗").weakest is None and Grade("✗").is_contradicted
    assert not Grade("—").applies and Grade("—").weakest is None
    assert GradeLevel.weakest([GradeLevel.A, GradeLevel.C, GradeLevel.B]) is GradeLevel.C
    assert [g.rank for g in GradeLevel] == [4, 3, 2, 1]


def test_a_bad_grade_names_the_value() -> None:
    with pytest.raises(ValueError, match="'D'"):
        Grade("D")


def test_action_levels_know_what_they_stop() -> None:
    # §E.4: emergency and urgent referral stop the plan; routine referral refers but lets the plan go on
    assert [a for a in ActionLevel if a.stops_plan] == [ActionLevel.EMERGENCY_REFERRAL, ActionLevel.URGENT_REFERRAL]
    assert [a for a in ActionLevel if a.is_referral] == [
        ActionLevel.EMERGENCY_REFERRAL, ActionLevel.URGENT_REFERRAL, ActionLevel.ROUTINE_REFERRAL]
    assert ActionLevel.most_urgent([ActionLevel.ROUTINE_REFERRAL, ActionLevel.URGENT_REFERRAL]) is (
        ActionLevel.URGENT_REFERRAL)
    assert ActionLevel.most_urgent([]) is ActionLevel.PROCEED_CONSERVATIVE_PLAN


def test_values_serialise_as_their_ids() -> None:
    from pydantic import BaseModel

    class Row(BaseModel):
        grade: Grade
        action: ActionLevel
        kind: ConflictKind

    row = Row.model_validate({"grade": "B/C", "action": "urgent_referral", "kind": "conflict_resolved_by_method"})
    assert isinstance(row.grade, Grade) and row.grade.weakest is GradeLevel.C
    assert json.loads(row.model_dump_json()) == {"grade": "B/C", "action": "urgent_referral",
                                                 "kind": "conflict_resolved_by_method"}


def test_pain_sides_map_onto_measurement_sides() -> None:
    assert pain_side_to_side(PainSide.LEFT) is Side.LEFT
    assert pain_side_to_side(PainSide.BILATERAL) is Side.BOTH
    assert {pain_side_to_side(p) for p in PainSide} <= set(Side)


def test_templates_do_not_test_action_levels_or_grades_by_string() -> None:
    # templates ask the view helpers (`is_referral`, `action_style`) instead of writing the ids themselves
    actions = "|".join(sorted(ACTION_IDS))
    grades = "|".join(re.escape(g) for g in sorted(GRADE_TOKENS))
    pattern = re.compile(rf"""["']({actions})["']|(==|!=|\bin)\s*["']({grades})["']""")
    offences = [f"{path.relative_to(PACKAGE.parent)}:{n}" for path in sorted(PACKAGE.rglob("*"))
                if path.suffix in {".html", ".j2"} for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if ("{%" in line or "{{" in line) and pattern.search(line)]
    assert offences == [], offences


def test_a_source_statement_names_expert_opinion_only_when_it_opens_with_eo() -> None:
    assert is_expert_opinion_source("EO default; the spec gives no prevalence.")
    assert is_expert_opinion_source("EO design default. The spec has no local source")
    assert not is_expert_opinion_source("Roach 2015 (B); EO for the cut-off")
    assert not is_expert_opinion_source("EOS imaging study")
