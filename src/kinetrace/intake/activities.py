"""Aggravating and easing activities → the controlled vocabulary, and the pain behaviour they show.

Each string in `pain[i].aggravating` / `pain[i].easing` is either a vocabulary id (`trunk_rotation`),
the activity's name, or free text ("twisting to reach the back seat"). Free text is matched by keyword: the
longest matching keyword wins, ties go to the activity listed first in the knowledge base, so the result is
deterministic. Every mapping is returned so it can be shown; unmapped text has `activity=None`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kinetrace.intake.case import Case
from kinetrace.knowledge.schema import Activity
from kinetrace.result import ActivityMapping

if TYPE_CHECKING:
    from kinetrace.knowledge.load import KnowledgeBase

__all__ = ["PainBehaviour", "map_activities", "match_activity"]


@dataclass(frozen=True)
class PainBehaviour:
    """Behaviour signature ids of one pain entry: what provokes it and what eases it."""

    provoked: frozenset[str] = frozenset()
    eased: frozenset[str] = frozenset()


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[_\-/]+", " ", text.lower()).split())


def match_activity(text: str, activities: Iterable[Activity]) -> tuple[str | None, str | None]:
    """Return (activity id, keyword) for one string; keyword is None for an exact id or name.

    >>> from kinetrace.knowledge.schema import Activity
    >>> vocab = [Activity(id="trunk_rotation", name="Trunk rotation", keywords=["twisting", "rotation"]),
    ...          Activity(id="sustained_sitting", name="Sitting", keywords=["sit", "desk"])]
    >>> match_activity("trunk_rotation", vocab)
    ('trunk_rotation', None)
    >>> match_activity("Twisting to reach the back seat", vocab)
    ('trunk_rotation', 'twisting')
    """
    said = _normal(text)
    exact, patterns = _index(tuple((a.id, a.name, tuple(a.keywords)) for a in activities))
    if said in exact:
        return exact[said], None
    for _, activity_id, keyword, pattern in patterns:  # longest keyword first, then vocabulary order
        if pattern.search(said):
            return activity_id, keyword
    return None, None


@lru_cache(maxsize=32)
def _index(
    vocab: tuple[tuple[str, str, tuple[str, ...]], ...],
) -> tuple[dict[str, str], list[tuple[tuple[int, int, int], str, str, re.Pattern[str]]]]:
    exact: dict[str, str] = {}
    for activity_id, name, _ in vocab:
        for label in (activity_id, name):
            exact.setdefault(_normal(label), activity_id)
    patterns = [
        (
            (-len(_normal(kw)), order, k_order),
            activity_id,
            kw,
            re.compile(rf"(?<![a-z0-9]){re.escape(_normal(kw))}(?![a-z0-9])"),
        )
        for order, (activity_id, _, keywords) in enumerate(vocab)
        for k_order, kw in enumerate(keywords)
    ]
    patterns.sort(key=lambda t: t[0])
    return exact, patterns


def map_activities(case: Case, kb: KnowledgeBase) -> tuple[list[ActivityMapping], dict[int, PainBehaviour]]:
    """Map every aggravating and easing string of the case, and collect each pain entry's behaviour.

    Returns the mappings in case order (field path, text, activity id or None, keyword or None) and, for each
    pain entry index, the behaviour signature ids provoked (from aggravating) and eased (from easing).
    """
    mappings: list[ActivityMapping] = []
    behaviours: dict[int, PainBehaviour] = {}
    for i, entry in enumerate(case.pain):
        sets: dict[str, set[str]] = {"aggravating": set(), "easing": set()}
        for field, texts in (("aggravating", entry.aggravating), ("easing", entry.easing)):
            for j, text in enumerate(texts):
                activity_id, keyword = match_activity(text, kb.activities.values())
                mappings.append(
                    ActivityMapping(field=f"pain[{i}].{field}[{j}]", text=text, activity=activity_id, keyword=keyword)
                )
                behaviour = kb.activities[activity_id].behaviour if activity_id is not None else None
                if behaviour is not None:
                    sets[field].add(behaviour)
        behaviours[i] = PainBehaviour(provoked=frozenset(sets["aggravating"]), eased=frozenset(sets["easing"]))
    return mappings, behaviours
