"""The patient's home programme: plan items that have a home version (home_exercises.yaml), with drawings,
dose in words and a weekly schedule. Formatting only; the dose and wording are data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kinetrace.reports.illustrations import exercise_svg
from kinetrace.reports.model import HomeExerciseView, ScheduleRow
from kinetrace.result import PlanItem

__all__ = ["WEEKDAYS", "exercise_view", "home_programme", "schedule"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days(per_week: int) -> list[bool]:
    """Spread `per_week` sessions over the week, Monday first (3 → Mon, Wed, Fri)."""
    picked = {round(i * 7 / per_week) for i in range(per_week)}
    return [i in picked for i in range(7)]


def _dose(ex: Any) -> str:
    side = ", each side" if ex.per_side else ""
    sets = f"{ex.sets} set{'s' if ex.sets != 1 else ''}"
    if ex.minutes is not None:
        return f"{ex.minutes} minutes" + (f", {ex.sets} times" if ex.sets > 1 else "") + side
    if ex.reps is not None and ex.hold_s is not None:
        return f"{sets} of {ex.reps}, hold each for {ex.hold_s} seconds{side}"
    if ex.reps is not None:
        return f"{sets} of {ex.reps}{side}"
    return f"hold for {ex.hold_s} seconds, {sets}{side}"


def _how_often(ex: Any) -> str:
    days = "every day" if ex.days_per_week == 7 else f"{ex.days_per_week} days a week"
    if ex.times_per_day > 1:
        return f"{ex.times_per_day} times a day, {days}"
    return days


def exercise_view(ex: Any) -> HomeExerciseView:
    """Return one home exercise (a `HomeExercise` entry) as the patient reads it: drawing, steps, dose in words."""
    return HomeExerciseView(
        name=ex.name,
        why=ex.why,
        svg=exercise_svg(ex.illustration),
        steps=list(ex.steps),
        dose=_dose(ex),
        how_often=_how_often(ex),
        feel=ex.feel,
        progress=ex.progress,
        stop=ex.stop,
        days=_days(ex.days_per_week),
    )


def home_programme(plan: Sequence[PlanItem], exercises: Mapping[str, Any]) -> list[HomeExerciseView]:
    """Return the home exercises for the plan items that have a home version, in plan order, without repeats."""
    out: list[HomeExerciseView] = []
    seen: set[str] = set()
    for item in plan:
        ex = exercises.get(item.intervention_id)
        if ex is None or ex.name in seen:
            continue
        seen.add(ex.name)
        out.append(exercise_view(ex))
    return out


def schedule(programme: Sequence[HomeExerciseView]) -> list[ScheduleRow]:
    """One row per exercise with its days ticked."""
    return [ScheduleRow(name=ex.name, days=list(ex.days)) for ex in programme]
