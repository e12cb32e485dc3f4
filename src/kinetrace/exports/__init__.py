"""Exports: versioned assessment JSON with its JSON Schema, CSV of measurements, FHIR R4 Bundle."""

from kinetrace.exports.assessment_json import (
    assessment_json,
    assessment_json_schema,
    parse_assessment_json,
)
from kinetrace.exports.fhir import fhir_bundle, fhir_bundle_json
from kinetrace.exports.measurements_csv import measurements_csv

__all__ = [
    "assessment_json",
    "assessment_json_schema",
    "fhir_bundle",
    "fhir_bundle_json",
    "measurements_csv",
    "parse_assessment_json",
]
