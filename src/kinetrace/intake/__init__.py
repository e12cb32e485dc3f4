"""Intake: read a case, check it against the knowledge base, map its activities to the vocabulary.

`load_case` / `parse_case` check the shape of a case (no knowledge base needed); `validate_case` checks ids,
units and ranges against the knowledge base and returns canonical `Measurement`s; `map_activities` maps
aggravating and easing activities and returns each pain entry's behaviour.
"""

from kinetrace.intake.activities import PainBehaviour, map_activities, match_activity
from kinetrace.intake.case import CASE_SCHEMA, Case, FindingInput, History, PainEntry, Patient
from kinetrace.intake.load import load_case, parse_case
from kinetrace.intake.measurements import CaseMeasurements, Measurement
from kinetrace.intake.validate import validate_case

__all__ = [
    "CASE_SCHEMA",
    "Case",
    "CaseMeasurements",
    "FindingInput",
    "History",
    "Measurement",
    "PainBehaviour",
    "PainEntry",
    "Patient",
    "load_case",
    "map_activities",
    "match_activity",
    "parse_case",
    "validate_case",
]
