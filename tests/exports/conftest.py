"""Sample assessments for export tests (hand-built, see tests/fixtures/report_sample_*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinetrace.result import Assessment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def sample() -> Assessment:
    data = json.loads((FIXTURES / "report_sample_assessment.json").read_text(encoding="utf-8"))
    return Assessment.model_validate(data)
