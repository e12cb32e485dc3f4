"""Safety: the red-flag screen that runs before anything else (clinical.md §E)."""

from kinetrace.safety.conditions import CaseFacts, Evaluation, case_facts, evaluate
from kinetrace.safety.red_flags import action_rank, required_questions, screen_red_flags

__all__ = [
    "CaseFacts",
    "Evaluation",
    "action_rank",
    "case_facts",
    "evaluate",
    "required_questions",
    "screen_red_flags",
]
