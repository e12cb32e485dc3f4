"""History, night pain and radiation → questions and findings, so that no accepted input is ignored (issue 10).

`apply_history(case)` returns a new case in which:
- `history.ankle_sprains`, `history.rotation_sport` and `history.sedentary_hours_per_day` fill the history tests
  `ankle_sprain_history`, `rotation_sport_participation` and `daily_sitting_hours` when those are not entered;
- `pain[].night_pain`, pain radiation (`below_knee`, `arm`, `chest`) and nerve-root findings (a positive
  straight-leg raise, a Wainner cluster of 3 or more) answer the derived questions `reported_night_pain`,
  `lumbar_nerve_root_signs`, `cervical_nerve_root_signs` and `pain_radiates_to_chest` when not answered;
- `history.previous_episodes` and `history.surgery`, which no rule reads, are rejected with a clear error.

An explicit entry always wins over a derived one. `intake_warnings` lists what a clinician should see: answers
that contradict the pain map, and every aggravating or easing phrase that was not understood.
"""

from __future__ import annotations

from collections.abc import Sequence

from kinetrace.errors import InputError
from kinetrace.intake.case import Answer, Case, FindingInput
from kinetrace.result import ActivityMapping

__all__ = ["apply_history", "derived_answers", "history_findings", "intake_warnings"]

# Two or more sprains is taken as a history of recurrent sprain (giving way), the §C ankle_instability history item.
_RECURRENT_SPRAINS = 2


def history_findings(case: Case) -> dict[str, FindingInput]:
    """Return the history tests filled from `history.*`, leaving out any test the case enters itself."""
    h = case.history
    out: dict[str, FindingInput] = {}
    if h.ankle_sprains is not None and (h.ankle_sprains == 0 or h.ankle_sprains >= _RECURRENT_SPRAINS):
        out["ankle_sprain_history"] = FindingInput(answer="yes" if h.ankle_sprains else "no",
                                                   source="history.ankle_sprains")
    if h.rotation_sport is not None:
        out["rotation_sport_participation"] = FindingInput(answer="yes" if h.rotation_sport else "no",
                                                           source="history.rotation_sport")
    if h.sedentary_hours_per_day is not None:
        out["daily_sitting_hours"] = FindingInput(count=round(h.sedentary_hours_per_day),
                                                  source="history.sedentary_hours_per_day")
    return {k: v for k, v in out.items() if k not in case.findings}


def _slr_positive(case: Case) -> bool:
    for entry in case.finding_list("straight_leg_raise"):
        values = [entry.category, entry.left, entry.right]
        if any(isinstance(v, str) and v.strip().lower() == "positive" for v in values):
            return True
    return False


def _wainner_count(case: Case) -> int:
    counts = [e.count for e in case.finding_list("wainner_radiculopathy_cluster") if e.count is not None]
    return max(counts, default=0)


def derived_answers(case: Case) -> dict[str, Answer]:
    """Return the derived question answers (yes only; never overriding an answer the case gives)."""
    radiation = {r for p in case.pain if p.intensity > 0 for r in p.radiation}
    derived: dict[str, Answer] = {}
    if any(p.night_pain for p in case.pain):
        derived["reported_night_pain"] = "yes"
    if "below_knee" in radiation or _slr_positive(case):
        derived["lumbar_nerve_root_signs"] = "yes"
    if "arm" in radiation or _wainner_count(case) >= 3:  # noqa: PLR2004 (Wainner 3/4, clinical.md §B6)
        derived["cervical_nerve_root_signs"] = "yes"
    if "chest" in radiation:
        derived["pain_radiates_to_chest"] = "yes"
    return {k: v for k, v in derived.items() if k not in case.red_flags}


def _reject_unused(case: Case) -> None:
    h = case.history
    if h.previous_episodes is not None:
        raise InputError("history.previous_episodes", h.previous_episodes,
                         "nothing: no rule reads it yet; describe earlier episodes in history.notes")
    if h.surgery is not None:
        raise InputError("history.surgery", h.surgery,
                         "nothing: no rule reads free-text surgery; answer "
                         "red_flags.recent_infection_or_spinal_procedure and describe it in history.notes")


def apply_history(case: Case) -> Case:
    """Return the case with history tests and derived answers filled in (pure; the input is not changed).

    Raises:
        InputError: `history.previous_episodes` or `history.surgery` is given (accepted fields no rule reads).
    """
    _reject_unused(case)
    findings = history_findings(case)
    answers = derived_answers(case)
    if not findings and not answers:
        return case
    return case.model_copy(update={"findings": {**case.findings, **findings},
                                   "red_flags": {**case.red_flags, **answers}})


def intake_warnings(case: Case, mappings: Sequence[ActivityMapping]) -> list[str]:
    """Return warnings about the intake: night pain contradicting its question, and every unmapped phrase."""
    out: list[str] = []
    night = [i for i, p in enumerate(case.pain) if p.night_pain]
    if night and case.red_flags.get("night_pain_unrelieved") == "no":
        where = ", ".join(f"pain[{i}].night_pain" for i in night)
        out.append(f"{where} is true but red_flags.night_pain_unrelieved was answered 'no': check which is right "
                   "(night pain that eases with a change of position is a weak flag; pain that wakes and does "
                   "not ease is screened further).")
    for m in mappings:
        if m.activity is None:
            kind = "Easing factor" if ".easing[" in m.field else "Aggravating factor"
            out.append(f"{kind} {m.text!r} ({m.field}) was not understood (no activity in the vocabulary "
                       "matches); it is not used as evidence — rephrase it or pick an id from "
                       "`kinetrace kb list activities`.")
    return out
