"""The red-flag screen (clinical.md §E): case → one triage action, the flags behind it, and what to ask.

Runs before anything else. The rules are data (`red_flags.yaml`, `questions.yaml`); this module applies the
system behaviour of §E.4:

1. Required questions for the case's pain regions that are unanswered → `request_red_flag_screen`, no plan.
2. Emergency and urgent flags suppress the plan and the chain attribution ("do not start exercises").
3. A routine referral keeps general activity advice but marks the chain output pending medical review.
4. A weak flag (night pain alone, age alone) → `proceed_with_safety_netting` with the rule's follow-up
   questions; a required question answered `unknown` does the same and is asked again.

The highest action wins, in the order of `ActionLevel`. The function is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kinetrace.intake.case import Case
from kinetrace.knowledge.schema import ActionLevel, Question, RedFlagRule
from kinetrace.result import Flag, Triage
from kinetrace.safety.conditions import CaseFacts, case_facts, evaluate

if TYPE_CHECKING:
    from kinetrace.knowledge.load import KnowledgeBase

__all__ = ["action_rank", "required_questions", "screen_red_flags"]



def action_rank(action: ActionLevel) -> int:
    """Return 0 for the most serious action (emergency referral), rising to the plain conservative plan."""
    return action.severity


def required_questions(case: Case, kb: KnowledgeBase) -> list[Question]:
    """Return the questions that must be answered for this case (always, or for one of its pain regions)."""
    regions = {p.region for p in case.pain}
    return [q for q in kb.questions.values() if q.required_always or regions & set(q.required_for)]


def screen_red_flags(case: Case, kb: KnowledgeBase) -> Triage:
    """Screen the case's answers, age, sex, pain map and findings against every red-flag rule.

    Returns the `Triage`: the highest action of the fired rules and the screen's own rules (§E.4), the flags
    with the reasons they fired, the required questions still missing, the follow-up questions to ask, whether
    the plan and the chain attribution are suppressed, and a plain summary sentence.

    >>> from kinetrace.intake import parse_case
    >>> from kinetrace.knowledge import load_knowledge
    >>> case = parse_case({"patient": {"age": 47}, "red_flags": {"saddle_numbness": "yes"},
    ...                    "pain": [{"region": "lumbar", "intensity": 7, "duration_weeks": 1}]})
    >>> screen_red_flags(case, load_knowledge()).action.value
    'emergency_referral'
    """
    facts = case_facts(case, kb)
    flags = sorted(
        (f for f in (_fire(rule, facts) for rule in kb.red_flags.values()) if f is not None),
        key=lambda f: action_rank(f.action),
    )
    required = required_questions(case, kb)
    missing = [q for q in required if q.id not in case.red_flags]
    unknown = [q for q in required if case.red_flags.get(q.id) == "unknown"]
    action = _decide(flags, missing=missing, unknown=unknown)
    follow_ups = _follow_ups(flags, unknown, kb, case)
    return Triage(
        action=action,
        flags=flags,
        missing_questions=_listed_both(missing),
        follow_up_questions=_listed_both(follow_ups),
        summary=_summary(action, flags, missing=missing, unknown=unknown, follow_ups=follow_ups),
        plan_suppressed=action.stops_plan or bool(missing),
        chain_suppressed=action.is_referral,
        pending_medical_review=action.is_pending_medical_review,
    )


def _fire(rule: RedFlagRule, facts: CaseFacts) -> Flag | None:
    """Return the flag for a rule whose condition holds (escalated when its escalation holds too)."""
    fired = evaluate(rule.when, facts)
    if not fired.holds:
        return None
    action = rule.action
    reason = "; ".join(fired.reasons) or "its condition holds"
    if rule.escalate_when is not None and rule.escalate_to is not None:
        escalation = evaluate(rule.escalate_when, facts)
        if escalation.holds and action_rank(rule.escalate_to) < action_rank(action):
            action = rule.escalate_to
            extra = [r for r in escalation.reasons if r not in fired.reasons]
            why = "; ".join(extra) if extra else "these features together"
            reason += f" — escalated to {_words(action)} ({why})"
    return Flag(
        rule_id=rule.id,
        condition_id=rule.condition_id,
        suspected=rule.suspected,
        action=action,
        reason=reason,
        whom=rule.whom,
        how_soon=rule.how_soon,
        advice=rule.advice,
        refs=list(rule.refs),
        grade=rule.grade,
    )


def _decide(flags: Sequence[Flag], *, missing: Sequence[Question], unknown: Sequence[Question]) -> ActionLevel:
    candidates = [f.action for f in flags] + [ActionLevel.PROCEED_CONSERVATIVE_PLAN]
    if missing:
        candidates.append(ActionLevel.REQUEST_RED_FLAG_SCREEN)
    if unknown:
        candidates.append(ActionLevel.PROCEED_WITH_SAFETY_NETTING)
    return min(candidates, key=action_rank)


def _follow_ups(flags: Sequence[Flag], unknown: Sequence[Question], kb: KnowledgeBase, case: Case) -> list[Question]:
    """Questions to ask next: those answered unknown, then fired rules' follow-ups not answered yes/no that fit
    the case's painful regions (a question's `regions`)."""
    regions = {p.region for p in case.pain}
    ids = [q.id for q in unknown]
    for flag in flags:
        ids.extend(
            i for i in kb.red_flags[flag.rule_id].follow_up_questions
            if i in kb.questions and kb.questions[i].applies_to(regions)
        )
    settled = {k for k, v in case.red_flags.items() if v in {"yes", "no"}}
    return [kb.questions[i] for i in dict.fromkeys(ids) if i in kb.questions and i not in settled]


def _words(action: ActionLevel) -> str:
    return action.value.replace("_", " ")


def _plain(text: str) -> str:
    """Lower-case a leading capital for use mid-sentence, leaving acronyms (AAA, ASAS) alone."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _listed_both(questions: Iterable[Question]) -> list[dict[str, str]]:
    """Questions with both wordings: the patient's `text` and the clinician's `clinician_text`."""
    return [{"id": q.id, "text": q.text, "clinician_text": q.clinician_text or q.text} for q in questions]


def _names(flags: Iterable[Flag]) -> str:
    return ", ".join(f"{_plain(f.suspected)} ({f.rule_id})" for f in flags)


def _ids(questions: Sequence[Question]) -> str:
    return ", ".join(q.id for q in questions)


def _summary(
    action: ActionLevel,
    flags: Sequence[Flag],
    *,
    missing: Sequence[Question],
    unknown: Sequence[Question],
    follow_ups: Sequence[Question],
) -> str:
    top = [f for f in flags if f.action == action]
    text = _SUMMARIES[action](top, missing, unknown)
    if missing and not action.requests_screen:
        text += f" Required screening questions still unanswered: {_ids(missing)}."
    if follow_ups and not action.stops_plan:
        n = len(follow_ups)
        text += f" Ask the {n} follow-up questions listed." if n > 1 else " Ask the follow-up question listed."
    return text


def _emergency(top: Sequence[Flag], _m: Sequence[Question], _u: Sequence[Question]) -> str:
    return (
        f"Emergency referral: possible {_names(top)}. Seek emergency care now ({_plain(top[0].how_soon)}); "
        "do not start exercises."
    )


def _urgent(top: Sequence[Flag], _m: Sequence[Question], _u: Sequence[Question]) -> str:
    return (
        f"Urgent referral: possible {_names(top)}. Arrange a medical assessment ({_plain(top[0].how_soon)}); "
        "do not start exercises until cleared."
    )


def _routine(top: Sequence[Flag], _m: Sequence[Question], _u: Sequence[Question]) -> str:
    return (
        f"Routine referral: possible {_names(top)} needs medical review ({_plain(top[0].how_soon)}). "
        "General activity advice may continue; the chain attribution is pending medical review."
    )


def _screen(_t: Sequence[Flag], missing: Sequence[Question], _u: Sequence[Question]) -> str:
    n = len(missing)
    return (
        f"Red-flag screen incomplete: {n} required question{'s' if n > 1 else ''} unanswered "
        f"({_ids(missing)}). Answer {'them' if n > 1 else 'it'} before a plan is given."
    )


def _netting(top: Sequence[Flag], _m: Sequence[Question], unknown: Sequence[Question]) -> str:
    parts = []
    if len(top) == 1:
        parts.append(f"a weak flag ({_names(top)}) that is not a reason to stop on its own")
    elif top:
        parts.append(f"weak flags ({_names(top)}) that are not a reason to stop on their own")
    if unknown:
        parts.append(f"answered 'unknown': {_ids(unknown)}")
    return "Proceed with safety netting: " + " and ".join(parts) + ". The plan may go ahead with safety-net advice."


def _proceed(_t: Sequence[Flag], _m: Sequence[Question], _u: Sequence[Question]) -> str:
    return "No red flag on the screening answers given; proceed with a conservative plan."


_SUMMARIES = {
    ActionLevel.EMERGENCY_REFERRAL: _emergency,
    ActionLevel.URGENT_REFERRAL: _urgent,
    ActionLevel.ROUTINE_REFERRAL: _routine,
    ActionLevel.REQUEST_RED_FLAG_SCREEN: _screen,
    ActionLevel.PROCEED_WITH_SAFETY_NETTING: _netting,
    ActionLevel.PROCEED_CONSERVATIVE_PLAN: _proceed,
}
