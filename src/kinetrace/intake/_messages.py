"""Plain-words messages for case problems: field paths, shown values, expected shapes.

Private to `intake`: turns pydantic's error records into one-line sentences of the form
`pain[0].intensity: got 12; expected a whole number from 0 to 10.`
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from kinetrace.errors import InputError

Loc = Sequence[str | int]


@dataclass(frozen=True)
class Problem:
    """One problem in a case: where, what was received, what was expected, and the sentence shown."""

    path: str
    value: Any
    expected: str
    text: str


def join_path(loc: Iterable[str | int]) -> str:
    """Return `pain[0].intensity` for ("pain", 0, "intensity")."""
    out = ""
    for seg in loc:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += f".{seg}" if out else str(seg)
    return out


def number(x: float) -> str:
    """Format a number without noise: 400.0 → '400', 0.5 → '0.5'."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def show(value: Any) -> str:
    """Show a received value the way the user wrote it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def one_of(options: Sequence[str]) -> str:
    """Return 'a, b or c' for a list of options."""
    items = [str(o) for o in options]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def closest(word: str, options: Iterable[str]) -> str | None:
    """Return the option closest to `word`, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" or an empty string."""
    best = closest(word, options)
    return f" (did you mean {best!r}?)" if best else ""


def problem(loc: Loc, value: Any, expected: str, *, got: str | None = None) -> Problem:
    """Build a Problem with the standard sentence `path: got X; expected Y.`."""
    path = join_path(loc)
    shown = show(value) if got is None else got
    return Problem(path, value, expected, f"{path}: got {shown}; expected {expected}.")


def raise_problems(problems: Sequence[Problem], *, source: str) -> None:
    """Raise one InputError whose message is the first problem; all of them are in `.problems`."""
    if not problems:
        return
    prefix = "" if source == "case" else f"{source}: "
    texts = [prefix + p.text for p in problems]
    first = problems[0]
    more = len(problems) - 1
    message = texts[0] + (f" ({more} more problem{'s' if more > 1 else ''} in this case.)" if more else "")
    raise InputError(first.path, first.value, first.expected, message=message, problems=texts)


# --- pydantic errors --------------------------------------------------------------------------------


def _strip_optional(ann: Any) -> Any:
    if _is_union(ann):
        members = [a for a in get_args(ann) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return ann


def _is_union(ann: Any) -> bool:
    return get_origin(ann) in (Union, types.UnionType)


def _field_of(model: type[BaseModel], seg: str) -> tuple[str, FieldInfo] | None:
    for name, info in model.model_fields.items():
        if seg in (name, info.alias):
            return (info.alias or name), info
    return None


def _is_union_tag(ann: Any, seg: str | int) -> bool:
    # pydantic names the union member (or a validator wrapper) it tried, e.g. 'float' or 'function-after[...]'
    if not isinstance(seg, str) or not _is_union(ann):
        return False
    names = {getattr(m, "__name__", "") for m in get_args(ann)}
    return seg in names or "[" in seg


def resolve(model: type[BaseModel], loc: Loc) -> tuple[list[str | int], Any, FieldInfo | None]:
    """Walk `loc` through `model`: the user-facing path, the annotation reached and its field info."""
    clean: list[str | int] = []
    ann: Any = model
    info: FieldInfo | None = None
    for seg in loc:
        ann = _strip_optional(ann)
        if _is_union_tag(ann, seg):
            continue
        if isinstance(ann, type) and issubclass(ann, BaseModel) and isinstance(seg, str):
            found = _field_of(ann, seg)
            if found is None:
                clean.append(seg)
                ann, info = None, None
                continue
            clean.append(found[0])
            ann, info = found[1].annotation, found[1]
            continue
        clean.append(seg)
        args = get_args(ann)
        if get_origin(ann) is list and args:
            ann = args[0]
        elif get_origin(ann) is dict and len(args) == 2:
            ann = args[1]
        else:
            ann = None
        info = None
    return clean, _strip_optional(ann), info


def _bounds(info: FieldInfo | None) -> tuple[float | None, float | None]:
    low = high = None
    for meta in info.metadata if info is not None else []:
        if isinstance(meta, annotated_types.Ge | annotated_types.Gt):
            low = meta.ge if isinstance(meta, annotated_types.Ge) else meta.gt
        if isinstance(meta, annotated_types.Le | annotated_types.Lt):
            high = meta.le if isinstance(meta, annotated_types.Le) else meta.lt
    return low, high  # type: ignore[return-value]


def _ranged(noun: str, info: FieldInfo | None) -> str:
    low, high = _bounds(info)
    if low is not None and high is not None:
        return f"{noun} from {number(low)} to {number(high)}"
    if low is not None:
        return f"{noun} of at least {number(low)}"
    if high is not None:
        return f"{noun} of at most {number(high)}"
    return noun


def describe(ann: Any, info: FieldInfo | None) -> str:  # noqa: PLR0911 (one return per kind of type)
    """Describe in words what a field of this annotation accepts."""
    if ann is bool:
        return "yes or no"
    if ann is int:
        return _ranged("a whole number", info)
    if ann is float:
        return _ranged("a number", info)
    if ann is str:
        return "text"
    if get_origin(ann) is Literal:
        return one_of([str(a) for a in get_args(ann)])
    if _is_union(ann):
        return one_of([describe(m, info) for m in get_args(ann) if m is not type(None)])
    if get_origin(ann) is list:
        return "a list"
    if get_origin(ann) is dict:
        return "a mapping"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "a mapping with the fields " + ", ".join(f.alias or n for n, f in ann.model_fields.items())
    return "a valid value"


def from_pydantic(model: type[BaseModel], errors: Sequence[ErrorDetails], *, prefix: Loc = ()) -> list[Problem]:
    """Translate pydantic errors for `model` into Problems (one per field path, first error kept)."""
    out: dict[str, Problem] = {}
    for err in errors:
        loc = tuple(err["loc"])
        clean, ann, info = resolve(model, loc)
        full = [*prefix, *clean]
        path = join_path(full)
        if path in out:
            continue
        out[path] = _one(model, err, full, clean, ann=ann, info=info)
    return list(out.values())


def _one(
    model: type[BaseModel],
    err: ErrorDetails,
    full: list[str | int],
    clean: list[str | int],
    *,
    ann: Any,
    info: FieldInfo | None,
) -> Problem:
    kind = err["type"]
    path = join_path(full)
    value = err.get("input")
    if kind == "missing":
        expected = describe(ann, info)
        return Problem(path, None, expected, f"{path}: is missing; expected {expected}.")
    if kind == "extra_forbidden":
        _, parent, _ = resolve(model, clean[:-1])
        names = (
            [f.alias or n for n, f in parent.model_fields.items()]
            if isinstance(parent, type) and issubclass(parent, BaseModel)
            else []
        )
        hint = did_you_mean(str(clean[-1]), names)
        expected = f"one of the fields {one_of(names)}" if names else "a known field"
        return Problem(path, value, expected, f"{path}: unknown field{hint}; expected {expected}.")
    if kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
        return Problem(path, value, msg, f"{path}: {msg}.")
    return problem(full, value, describe(ann, info))
