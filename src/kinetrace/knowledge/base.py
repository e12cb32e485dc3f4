"""The loaded knowledge base as one frozen value: entries by id, in file order.

Kept apart from `load.py` (which reads files) so the cross-file rules in `integrity.py` can name the type without
importing the loader that runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kinetrace.knowledge.outcomes import OutcomeMeasure
from kinetrace.knowledge.schema import (
    Activity,
    ClinicalTest,
    Edge,
    HomeExercise,
    Impairment,
    IntegrityException,
    Intervention,
    ModelParameters,
    Question,
    RedFlagRule,
    Reference,
    Region,
    SafetyNet,
    SeedArticle,
    SeedClaim,
)
from kinetrace.knowledge.self_screen import SelfScreenWording

__all__ = ["KnowledgeBase"]


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """The whole validated knowledge base; entries by id, in file order."""

    version: str
    references: Mapping[str, Reference]
    regions: Mapping[str, Region]
    impairments: Mapping[str, Impairment]
    edges: Mapping[str, Edge]
    tests: Mapping[str, ClinicalTest]
    interventions: Mapping[str, Intervention]
    red_flags: Mapping[str, RedFlagRule]
    questions: Mapping[str, Question]
    seed_claims: Mapping[str, SeedClaim]
    seeds: Mapping[str, SeedArticle]
    activities: Mapping[str, Activity]
    model: ModelParameters
    exceptions: tuple[IntegrityException, ...] = ()
    home_exercises: Mapping[str, HomeExercise] = field(default_factory=dict)
    safety_netting: Mapping[str, SafetyNet] = field(default_factory=dict)
    self_screen: SelfScreenWording | None = None
    outcomes: Mapping[str, OutcomeMeasure] = field(default_factory=dict)

    def red_flag_conditions(self) -> set[str]:
        """Return the public red-flag condition ids used by the rules."""
        return {rule.condition_id for rule in self.red_flags.values()}

    def name_of(self, node_id: str) -> str:
        """Return a readable name for any id (impairment, region, test, condition, pain-behaviour signature)."""
        for table in (self.impairments, self.regions, self.tests, self.interventions):
            if node_id in table:
                return str(table[node_id].name)
        for rule in self.red_flags.values():
            if rule.condition_id == node_id:
                return rule.suspected
        if node_id in self.model.behaviours:  # a pain-behaviour signature: its meaning
            return self.model.behaviours[node_id]
        return node_id.replace("_", " ")
