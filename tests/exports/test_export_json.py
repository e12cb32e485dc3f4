"""Versioned assessment JSON and its committed JSON Schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from kinetrace.errors import InputError
from kinetrace.exports import assessment_json, assessment_json_schema, parse_assessment_json
from kinetrace.result import Assessment


def _committed_schema() -> dict:
    text = resources.files("kinetrace").joinpath("schemas/assessment.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def test_committed_schema_matches_the_model() -> None:
    # If this fails, run: python scripts/generate_assessment_schema.py
    assert _committed_schema() == assessment_json_schema()


def test_exported_json_is_versioned_and_valid_against_the_schema(sample: Assessment) -> None:
    data = json.loads(assessment_json(sample))
    assert data["schema"] == "kinetrace.assessment/1"
    jsonschema.Draft202012Validator(_committed_schema()).validate(data)


def test_json_round_trips_to_an_equal_assessment(sample: Assessment) -> None:
    assert parse_assessment_json(json.loads(assessment_json(sample))) == sample


def test_schema_rejects_a_probability_above_one(sample: Assessment) -> None:
    data = json.loads(assessment_json(sample))
    data["ranking"][0]["probability"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _committed_schema())


def test_parsing_a_case_file_as_a_result_names_the_schema_field() -> None:
    with pytest.raises(InputError, match=r"result\.schema: got 'kinetrace.case/1'"):
        parse_assessment_json({"schema": "kinetrace.case/1"})


def test_parsing_a_bad_field_names_it(sample: Assessment) -> None:
    data = json.loads(assessment_json(sample))
    data["ranking"][0]["probability"] = "high"
    with pytest.raises(InputError, match=r"ranking\.0\.probability"):
        parse_assessment_json(data)
