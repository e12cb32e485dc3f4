"""Closed clinical vocabularies as typed values, parsed once where they enter (knowledge load, case intake).

Each type is a `StrEnum` (or, for the compound evidence grade, a `str` subclass) whose value is the public id from
clinical.md, so JSON and YAML output keep the very same strings and `ActionLevel.URGENT_REFERRAL == "urgent_referral"`
still holds. The order of grades and action levels, and which action levels stop the plan or refer, are written
here and nowhere else: other modules ask the value (`grade.is_contradicted`, `action.stops_plan`) instead of
comparing strings. A test greps the source tree for grade letters and action-level strings compared outside
this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from kinetrace.units import Side

__all__ = [
    "CONTRADICTED_MARK",
    "GRADE_PATTERN",
    "ActionLevel",
    "ConflictKind",
    "Grade",
    "GradeLevel",
    "PainSide",
    "ReadingState",
    "Side",
    "State",
    "SINGLE_SIDES",
    "is_expert_opinion_source",
    "opposite_side",
    "pain_side_to_side",
    "weakest_level",
]


class GradeLevel(StrEnum):
    """One evidence grade of clinical.md §0.1, ordered by `rank` (A strongest, EO weakest)."""

    A = "A"
    B = "B"
    C = "C"
    EO = "EO"

    @property
    def rank(self) -> int:
        """Return the strength of this grade: 4 for A down to 1 for expert opinion."""
        return _LEVEL_RANK[self]

    @classmethod
    def weakest(cls, levels: Iterable[GradeLevel]) -> GradeLevel | None:
        """Return the weakest of `levels`, or None when there is none."""
        return min(levels, key=lambda g: g.rank, default=None)


_LEVEL_RANK = {GradeLevel.A: 4, GradeLevel.B: 3, GradeLevel.C: 2, GradeLevel.EO: 1}

# A grade as written in clinical.md §0.1: A, B, C, EO, optionally split ("A/B", "B/C"), optionally contradicted
# ("EO ✗"), a bare "✗" (contradicted, no level), or "—" where the grade does not apply.
GRADE_PATTERN = r"^((A|B|C|EO)(/(A|B|C|EO))?( ✗)?|✗|—)$"
CONTRADICTED_MARK = "✗"
_NOT_APPLICABLE = "—"


class Grade(str):
    """An evidence grade string such as "B", "A/B", "EO ✗", "✗" or "—", parsed once into its parts.

    It is a `str`, so it serialises and compares as the text written in the knowledge base.

    >>> Grade("A/B").weakest, Grade("EO ✗").is_contradicted
    (<GradeLevel.B: 'B'>, True)
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Grade:
        """Parse `text`; raise ValueError naming the value when it is not a grade."""
        if not re.match(GRADE_PATTERN, text):
            raise ValueError(f"grade {text!r} is not one of A, B, C, EO, a split like A/B, with optional ' ✗', "
                             f"'✗' or '—'")
        return super().__new__(cls, text)

    @property
    def levels(self) -> tuple[GradeLevel, ...]:
        """Return the named levels, strongest first as written ("A/B" → A, B)."""
        words = re.split(r"[/ ]", self.replace(CONTRADICTED_MARK, "").replace(_NOT_APPLICABLE, ""))
        return tuple(GradeLevel(w) for w in words if w)

    @property
    def weakest(self) -> GradeLevel | None:
        """Return the lowest named level ("A/B" → B), or None for "✗" and "—"."""
        return GradeLevel.weakest(self.levels)

    @property
    def is_contradicted(self) -> bool:
        """Return whether the evidence contradicts the claim (the ✗ mark)."""
        return CONTRADICTED_MARK in self

    @property
    def applies(self) -> bool:
        """Return False for "—", the mark of a grade that does not apply."""
        return self != _NOT_APPLICABLE

    @property
    def is_expert_opinion_or_weaker(self) -> bool:
        """Return whether the claim rests on expert opinion only or is contradicted."""
        return self.is_contradicted or self.weakest in (None, GradeLevel.EO)

    @classmethod
    def of(cls, level: GradeLevel) -> Grade:
        """Return the plain grade for one level."""
        return cls(level.value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Validate from a string into a Grade and serialise back to the plain string."""
        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(pattern=GRADE_PATTERN),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"))


def weakest_level(grades: Iterable[str]) -> GradeLevel | None:
    """Return the lowest named level across grade strings ('—' and ✗ marks ignored), or None."""
    return GradeLevel.weakest(level for g in grades for level in Grade(g).levels)


def is_expert_opinion_source(source: str) -> bool:
    """Return whether a source statement declares itself expert opinion: it opens with "EO" ("EO default; …")."""
    return re.match(rf"{GradeLevel.EO.value}\b", source) is not None


class ActionLevel(StrEnum):
    """Triage outcome, highest first (§E, §E.4). The value is the public id."""

    EMERGENCY_REFERRAL = "emergency_referral"
    URGENT_REFERRAL = "urgent_referral"
    ROUTINE_REFERRAL = "routine_referral"
    REQUEST_RED_FLAG_SCREEN = "request_red_flag_screen"
    PROCEED_WITH_SAFETY_NETTING = "proceed_with_safety_netting"
    PROCEED_CONSERVATIVE_PLAN = "proceed_conservative_plan"

    @property
    def severity(self) -> int:
        """Return 0 for the most urgent action and larger numbers for milder ones (declaration order)."""
        return list(ActionLevel).index(self)

    @property
    def stops_plan(self) -> bool:
        """Return whether this action suppresses the exercise plan and the chain (emergency or urgent referral)."""
        return self in (ActionLevel.EMERGENCY_REFERRAL, ActionLevel.URGENT_REFERRAL)

    @property
    def is_referral(self) -> bool:
        """Return whether this action sends the person to a doctor (any referral)."""
        return self.stops_plan or self is ActionLevel.ROUTINE_REFERRAL

    @property
    def is_pending_medical_review(self) -> bool:
        """Return whether the plan may go ahead only pending a doctor's review (routine referral)."""
        return self is ActionLevel.ROUTINE_REFERRAL

    @property
    def requests_screen(self) -> bool:
        """Return whether the red-flag screen must be completed first."""
        return self is ActionLevel.REQUEST_RED_FLAG_SCREEN

    @classmethod
    def most_urgent(cls, actions: Iterable[ActionLevel]) -> ActionLevel:
        """Return the most urgent of `actions` (the conservative plan when there are none)."""
        return min(actions, key=lambda a: a.severity, default=cls.PROCEED_CONSERVATIVE_PLAN)


class State(StrEnum):
    """The state of an impairment after its tests were read (§C conventions)."""

    PRESENT = "present"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    INDETERMINATE = "indeterminate"
    ABSENT = "absent"
    NOT_TESTED = "not_tested"

    @property
    def is_likely(self) -> bool:
        """Return whether the impairment is present or probable (what targets a plan item or a claim)."""
        return self in (State.PRESENT, State.PROBABLE)


class ReadingState(StrEnum):
    """How one measured value reads against its norm, after the measurement-error gate."""

    ABNORMAL = "abnormal"
    POSSIBLE = "possible"
    INDETERMINATE = "indeterminate"
    NORMAL = "normal"


class PainSide(StrEnum):
    """Where pain sits across the midline, as the intake form records it."""

    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    CENTRAL = "central"
    NONE = "none"


_PAIN_TO_SIDE = {PainSide.LEFT: Side.LEFT, PainSide.RIGHT: Side.RIGHT, PainSide.BILATERAL: Side.BOTH,
                 PainSide.CENTRAL: Side.BOTH, PainSide.NONE: Side.NONE}


SINGLE_SIDES = frozenset({Side.LEFT, Side.RIGHT})  # a side a value can belong to on its own (one leg, one arm)
_OPPOSITE = {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}


def opposite_side(side: str) -> Side:
    """Return the other side of the body (left ↔ right); raise ValueError naming the value for any other side."""
    try:
        return _OPPOSITE[Side(side)]
    except (KeyError, ValueError):
        raise ValueError(f"side {side!r} has no opposite: expected 'left' or 'right'") from None


def pain_side_to_side(pain_side: PainSide) -> Side:
    """Map a pain side onto the measurement `Side` (bilateral and central pain concern both sides)."""
    return _PAIN_TO_SIDE[pain_side]


class ConflictKind(StrEnum):
    """How several entries for the same test were reconciled."""

    SAME_METHOD_MEAN = "same_method_mean"
    RESOLVED_BY_METHOD = "conflict_resolved_by_method"
    HAND_ENTERED_STANDS = "hand_entered_stands"  # a clinician's value over a photo/video proxy (issue 9)
