"""Fixtures for report tests: the hand-built sample assessments and the demo case through the real façade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kinetrace.result import Assessment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _sample(name: str) -> Assessment:
    return Assessment.model_validate(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


@pytest.fixture
def sample() -> Assessment:
    """First visit of a hand-built rotation-provoked low back pain case (tests/fixtures)."""
    return _sample("report_sample_assessment.json")


@pytest.fixture
def sample_week6() -> Assessment:
    """The same person six weeks later."""
    return _sample("report_sample_reassessment.json")


@pytest.fixture(scope="session")
def kb() -> Any:
    from kinetrace.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture(scope="session")
def demo(kb: Any) -> tuple[Assessment, Any]:
    """The shipped demo case, assessed by the real façade: (assessment, case)."""
    from kinetrace.assessment import assess
    from kinetrace.demo_cases import demo_case_path
    from kinetrace.intake import load_case

    case = load_case(demo_case_path())
    return assess(case, kb), case


@pytest.fixture(scope="session")
def emergency(kb: Any) -> Assessment:
    """A cauda equina presentation (tests/cases/22): the screen stops the chain and the plan."""
    import yaml

    from kinetrace.assessment import assess
    from kinetrace.intake import parse_case

    case_file = Path(__file__).resolve().parents[1] / "cases" / "22_emergency_cauda_equina_stops_everything.yaml"
    return assess(parse_case(yaml.safe_load(case_file.read_text(encoding="utf-8"))["case"]), kb)
