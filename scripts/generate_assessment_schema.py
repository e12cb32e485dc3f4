"""Regenerate src/kinetrace/schemas/assessment.schema.json from the pydantic Assessment model.

Run after changing kinetrace/result.py:  .venv/bin/python scripts/generate_assessment_schema.py
A test (tests/exports/test_assessment_json.py) fails while the committed file and the model disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from kinetrace.exports import assessment_json_schema

TARGET = Path(__file__).resolve().parents[1] / "src" / "kinetrace" / "schemas" / "assessment.schema.json"


def main() -> None:
    """Write the schema file (pretty, stable key order as generated)."""
    text = json.dumps(assessment_json_schema(), indent=2, ensure_ascii=False) + "\n"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")  # noqa: T201 - a script says what it wrote


if __name__ == "__main__":
    main()
