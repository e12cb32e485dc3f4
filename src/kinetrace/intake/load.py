"""Read a case file (YAML or JSON) and parse it into a `Case`, with one clear line per problem.

This is the only module of the core that reads a file. Checks that need the knowledge base (known test ids,
units, value ranges) live in `intake.validate`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kinetrace.errors import InputError, NotFoundError
from kinetrace.intake._messages import Problem, from_pydantic, problem, raise_problems, show
from kinetrace.intake.case import CASE_SCHEMA, Case, FindingInput

__all__ = ["load_case", "parse_case", "read_case_data"]

_YAML_SUFFIXES = {".yaml", ".yml"}
_PER_SIDE = ("left", "right")


def load_case(path: str | Path) -> Case:
    """Read a case file and return the parsed `Case`.

    The format is chosen by suffix (`.json`, `.yaml`/`.yml`), otherwise by content.

    Raises:
        NotFoundError: the file does not exist.
        InputError: the file is not valid YAML/JSON (with line and column) or the case breaks the schema
            (the message names the field path, e.g. `pain[0].intensity`).
    """
    return parse_case(read_case_data(path), source=str(path))


def read_case_data(path: str | Path) -> Any:
    """Read a case file into plain data (before schema checks), e.g. to merge photo findings into it.

    Raises:
        NotFoundError: the file does not exist.
        InputError: the file is not valid YAML/JSON.
    """
    file = Path(path)
    return _parse_text(_read_text(file), file)


def parse_case(data: Any, *, source: str = "case") -> Case:
    """Return a `Case` from already-parsed data (a mapping), or raise InputError naming the first problem.

    Every problem found is listed in the error's `problems` attribute.

    >>> parse_case({"patient": {"age": 38}, "pain": [{"region": "lumbar", "intensity": 5,
    ...             "duration_weeks": 12}]}).pain[0].region
    'lumbar'
    """
    if not isinstance(data, Mapping):
        expected = f"a mapping of case fields (schema: {CASE_SCHEMA}, patient, pain, red_flags, findings)"
        raise InputError(source, None, expected, message=f"{source}: got {show(data)}; expected {expected}.")
    base = {k: v for k, v in data.items() if k != "findings"}
    problems: list[Problem] = []
    try:
        Case.model_validate(base)
    except ValidationError as exc:
        problems.extend(from_pydantic(Case, exc.errors()))
    findings = _parse_findings(data.get("findings", {}), problems)
    raise_problems(problems, source=source)
    return Case.model_validate({**base, "findings": findings})


def _read_text(file: Path) -> str:
    if not file.exists():
        raise NotFoundError(str(file), message=f"{file}: no such file; check the path to the case file.")
    if file.is_dir():
        raise InputError(str(file), message=f"{file}: is a folder; expected a case file (.yaml or .json).")
    try:
        text = file.read_text(encoding="utf-8-sig")  # a byte-order mark from Windows editors is dropped
    except UnicodeDecodeError as exc:
        raise InputError(str(file), message=f"{file}: is not UTF-8 text; expected a YAML or JSON case file.") from exc
    if not text.strip():
        raise InputError(str(file), message=f"{file}: is empty; expected a case (schema: {CASE_SCHEMA}, ...).")
    return text


class _DuplicateKeyError(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(f"key {key!r} appears twice in one object; give each key once")
        out[key] = value
    return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loading that refuses a repeated key, which plain YAML would let silently replace the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice; give each key once", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse_text(text: str, file: Path) -> Any:
    suffix = file.suffix.lower()
    is_json = suffix == ".json" or (suffix not in _YAML_SUFFIXES and text.lstrip().startswith("{"))
    if is_json:
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs)
        except _DuplicateKeyError as exc:
            raise InputError(str(file), message=f"{file}: {exc}.") from exc
        except json.JSONDecodeError as exc:
            raise InputError(
                str(file),
                message=f"{file}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.",
            ) from exc
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = exc.problem or exc.context or "not valid YAML"
        raise InputError(str(file), message=f"{file}: malformed YAML{where}: {what}.") from exc
    except yaml.YAMLError as exc:
        raise InputError(str(file), message=f"{file}: malformed YAML: {exc}.") from exc


def _parse_findings(raw: Any, problems: list[Problem]) -> dict[str, FindingInput | list[FindingInput]]:
    """Validate each finding entry on its own, so problems carry clean paths like `findings.x[1].value`."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(problem(["findings"], raw, "a mapping of test id → result"))
        return {}
    out: dict[str, FindingInput | list[FindingInput]] = {}
    for test_id, entry in raw.items():
        if isinstance(entry, list):
            if not entry:
                problems.append(problem(["findings", str(test_id)], entry, "at least one result"))
                continue
            parsed = [_parse_entry(e, ["findings", str(test_id), i], problems) for i, e in enumerate(entry)]
            if all(p is not None for p in parsed):
                out[str(test_id)] = [p for p in parsed if p is not None]
        else:
            single = _parse_entry(entry, ["findings", str(test_id)], problems)
            if single is not None:
                out[str(test_id)] = single
    return out


def _parse_entry(entry: Any, loc: list[str | int], problems: list[Problem]) -> FindingInput | None:
    if not isinstance(entry, Mapping):
        expected = "a mapping such as {left: 22, right: 38, unit: deg} or {value: 49, unit: deg}"
        problems.append(problem(loc, entry, expected))
        return None
    try:
        return FindingInput.model_validate(_yes_no_sides(entry))
    except ValidationError as exc:
        problems.extend(from_pydantic(FindingInput, exc.errors(), prefix=loc))
        return None


def _yes_no_sides(entry: Mapping[str, Any]) -> dict[str, Any]:
    # YAML reads a bare yes/no as a boolean; per-side yes/no tests (lat_length_compensation: {left: yes})
    # mean the words, and a boolean `value` is a yes/no answer given in the wrong field.
    out = dict(entry)
    for key in (*_PER_SIDE, "value"):
        if isinstance(out.get(key), bool):
            out[key] = "yes" if out[key] else "no"
    return out
