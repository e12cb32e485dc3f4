"""Assessment → versioned JSON (`kinetrace.assessment/1`) and its JSON Schema."""

from __future__ import annotations

import json
from typing import Any

from kinetrace.result import ASSESSMENT_SCHEMA, Assessment

__all__ = ["SCHEMA_ID", "assessment_json", "assessment_json_schema", "parse_assessment_json"]

SCHEMA_ID = "https://kinetrace.dev/schemas/assessment.schema.json"


def assessment_json(assessment: Assessment) -> str:
    """Return the assessment as pretty JSON text in the contract form (`model_dump(mode="json", by_alias=True)`)."""
    data = assessment.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def assessment_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the assessment JSON, generated from the pydantic model."""
    schema = Assessment.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Kinetrace assessment ({ASSESSMENT_SCHEMA})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def parse_assessment_json(data: Any, *, source: str = "result") -> Assessment:
    """Return an Assessment from parsed JSON, or raise InputError naming the first bad field."""
    from pydantic import ValidationError

    from kinetrace.errors import InputError

    if not isinstance(data, dict) or data.get("schema") != ASSESSMENT_SCHEMA:
        got = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise InputError(f"{source}.schema", got, f"{ASSESSMENT_SCHEMA!r} (a Kinetrace assessment result)")
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{source}.{where}", err.get("input"), err["msg"].lower()) from exc
