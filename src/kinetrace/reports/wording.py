"""Human wording for text that reaches a report from the core: ids become names, file references disappear.

The core's sentences are written for logs and JSON and may carry ids (`hip_ir_prone`, `E06`, `RF-L1`) or pointers
into the clinical specification (`clinical.md §D`), which no reader of a report has. Reports pass every free-text
field through `humanise` before rendering.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

__all__ = ["humanise", "humanise_model", "without_case_file_hints"]

_SPEC_REF = re.compile(r"[;,]?\s*(?:see\s+)?clinical\.md(?:\s*§\s*[\w.]+(?:\s+row\s+for\s+\w+)?)?|\s*\(?§\s*[\w.]+\)?")
_EDGE = re.compile(r"\bE\d\d\b")
_RULE = re.compile(r"\s*\(\s*RF-[A-Z]+\d+[a-z]?\s*\)|\bRF-[A-Z]+\d+[a-z]?\b[:,]?\s*")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_KEEP = {"body_svg", "findings_chart_svg", "svg", "data_uri", "chart", "before_uri", "after_uri", "id", "edge_id",
         "test_id", "kind", "tone", "audience", "profile", "action", "verdict", "region", "kb_version", "case_id"}


def _name(token: str, kb: Any) -> str:
    if kb is not None and hasattr(kb, "name_of"):
        name = str(kb.name_of(token))
        if name != token.replace("_", " "):
            return name
    return token.replace("_", " ")


_REF = re.compile(r"\[?\b(R\d+[a-z]?|SEED-\d+)\b\]?")


_CASE_FIELD = re.compile(r"\s*\((?:pain|history|red_flags|patient|findings)[\w.\[\]]*\)")
_CLI_HINT = re.compile(r"\s*—\s*rephrase it or pick an id from `[^`]+`")


def without_case_file_hints(text: str) -> str:
    """Drop case-file field paths ("(pain[0].easing[2])") and command hints meant for someone editing a case file;
    a report or web page reader did neither."""
    return _CLI_HINT.sub(".", _CASE_FIELD.sub("", text)).replace("..", ".")


def humanise(text: str, kb: Any = None, numbers: dict[str, str] | None = None) -> str:
    """Return `text` with spec references removed, edge ids and snake_case ids replaced by names, and reference
    keys (R16) replaced by their citation numbers ([3]) when `numbers` maps them."""
    out = _RULE.sub("", _SPEC_REF.sub("", text))
    if numbers:
        out = _REF.sub(lambda m: f"[{numbers[m.group(1)]}]" if m.group(1) in numbers else m.group(0), out)
    edges = getattr(kb, "edges", {}) if kb is not None else {}
    out = _EDGE.sub(lambda m: f"“{edges[m.group(0)].name}”" if m.group(0) in edges else "a chain link", out)
    out = _SNAKE.sub(lambda m: _name(m.group(0), kb), out)
    out = re.sub(r"\brule:\s*(?=[;,.]|$)[;,]?\s*", "", out)
    return re.sub(r"\(\s*\)|\s+(?=[,.;)])", "", out).replace("  ", " ")


def _walk(value: Any, kb: Any, numbers: dict[str, str] | None, key: str = "") -> Any:
    if key in _KEEP:
        return value
    if isinstance(value, str):
        return humanise(value, kb, numbers)
    if isinstance(value, dict):
        return {k: _walk(v, kb, numbers, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v, kb, numbers, key) for v in value]
    return value


def humanise_model(model: M, kb: Any = None, numbers: dict[str, str] | None = None) -> M:
    """Return a copy of a report model with every free-text field humanised (pictures and ids left alone)."""
    return type(model).model_validate(_walk(model.model_dump(), kb, numbers))
