"""A clinic's own values for the design-default (EO) numbers: the elicitation file (docs/elicitation.md).

```yaml
schema: kinetrace.elicitation/1
clinic: Example physiotherapy clinic
elicited_by: panel of three physiotherapists, 2026-11
values:
  model.link_scale: {value: 0.55, range: [0.4, 0.7]}
  impairments.limited_hip_ir.prior: {value: 0.2, range: [0.1, 0.3], note: our caseload is mostly golfers}
```

Keys are those `kinetrace kb report` lists. Every problem is gathered, and the first is raised as an
`InputError` naming the key, the value and what was expected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from kinetrace.errors import InputError
from kinetrace.knowledge.base import KnowledgeBase
from kinetrace.knowledge.design_defaults import DesignDefault, design_defaults, with_numbers

__all__ = ["ELICITATION_SCHEMA", "apply_elicitation", "elicitation_template"]

ELICITATION_SCHEMA = "kinetrace.elicitation/1"
_TOP = {"schema", "clinic", "elicited_by", "date", "notes", "values"}
_ENTRY = {"value", "range", "note"}


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _entry_problems(where: str, entry: Any, default: DesignDefault) -> list[str]:
    if not isinstance(entry, Mapping):
        return [f"{where}: got {entry!r}; expected a mapping with value (and optionally range, note)"]
    problems = [f"{where}.{k}: unknown field; expected one of value, range, note" for k in entry if k not in _ENTRY]
    value = entry.get("value", default.value)
    open_interval = default.key.endswith(".prior") or "leak" in default.key
    if not _number(value) or not (0 < value < 1 if open_interval else 0 <= value <= 1):
        span = "strictly between 0 and 1" if open_interval else "from 0 to 1"
        return [*problems, f"{where}.value: got {value!r}; expected a number {span}"]
    if "range" in entry:
        rng = entry["range"]
        if not (isinstance(rng, list) and len(rng) == 2 and all(_number(x) for x in rng)):
            problems.append(f"{where}.range: got {rng!r}; expected [low, high], two numbers")
        elif not (0 <= rng[0] <= value <= rng[1] <= 1):
            problems.append(f"{where}.range: got {rng!r}; expected 0 ≤ low ≤ value ({value:g}) ≤ high ≤ 1")
    return problems


def _problems(data: Any, defaults: Mapping[str, DesignDefault]) -> list[str]:
    if not isinstance(data, Mapping):
        return [f"elicitation: got {type(data).__name__}; expected a mapping with schema and values"]
    problems = [f"elicitation.{k}: unknown field; expected one of {', '.join(sorted(_TOP))}" for k in data
                if k not in _TOP]
    if data.get("schema") != ELICITATION_SCHEMA:
        problems.append(f"elicitation.schema: got {data.get('schema')!r}; expected {ELICITATION_SCHEMA!r}")
    values = data.get("values")
    if not isinstance(values, Mapping) or not values:
        return [*problems, f"elicitation.values: got {values!r}; expected a mapping of key → {{value, range}}"]
    for key, entry in values.items():
        if key not in defaults:
            problems.append(f"elicitation.values.{key}: unknown key; expected a key listed by `kinetrace kb report` "
                            "(e.g. model.link_scale, impairments.limited_hip_ir.prior)")
            continue
        problems += _entry_problems(f"elicitation.values.{key}", entry, defaults[key])
    return problems


def apply_elicitation(kb: KnowledgeBase, data: Any) -> KnowledgeBase:
    """Return `kb` with a clinic's elicited values and ranges; its version gains the elicitation's hash.

    Raises:
        InputError: naming the first bad key, value or range (`problems` lists them all).
    """
    defaults = {d.key: d for d in design_defaults(kb)}
    problems = _problems(data, defaults)
    if problems:
        raise InputError("elicitation", message=problems[0], problems=problems)
    values = {k: float(e.get("value", defaults[k].value)) for k, e in data["values"].items()}
    ranges = {k: (float(e["range"][0]), float(e["range"][1])) for k, e in data["values"].items() if "range" in e}
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:8]
    out = with_numbers(kb, values, version=f"{kb.version}+elicited-{digest}")
    return _with_ranges(out, values, ranges)


def _with_ranges(kb: KnowledgeBase, values: Mapping[str, float], ranges: Mapping[str, tuple[float, float]]
                 ) -> KnowledgeBase:
    import dataclasses

    u = kb.model.uncertainty
    impairments = dict(kb.impairments)
    model_ranges = dict(u.ranges) if u is not None else {}
    # a value given without a range keeps the shipped range (priors: the prior_factor rule), widened to hold it
    for key, value in values.items():
        if key.startswith("impairments."):
            node = key.split(".")[1]
            old = impairments[node].prior_plausible
            if key in ranges or old is not None:
                low, high = ranges.get(key) or (min(old[0], value), max(old[1], value))  # type: ignore[index]
                impairments[node] = impairments[node].model_copy(update={"prior_plausible": (low, high)})
        else:
            name = key.removeprefix("model.")
            shipped = model_ranges.get(name, (value, value))
            model_ranges[name] = ranges.get(key) or (min(shipped[0], value), max(shipped[1], value))
    model = kb.model if u is None else kb.model.model_copy(
        update={"uncertainty": u.model_copy(update={"ranges": model_ranges,
                                                    "source": u.source + "; elicited values where supplied"})})
    return dataclasses.replace(kb, model=model, impairments=impairments)


def elicitation_template(kb: KnowledgeBase) -> dict[str, Any]:
    """Return an elicitation file holding every design-default number with its current value and range."""
    return {"schema": ELICITATION_SCHEMA, "clinic": "", "elicited_by": "",
            "values": {d.key: {"value": d.value, "range": [d.low, d.high]} if d.low is not None else
                       {"value": d.value} for d in design_defaults(kb)}}
