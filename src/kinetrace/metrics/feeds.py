"""Cross-check of the metric catalogues against the knowledge base: every metric that feeds a knowledge-base test
names a test that exists, in the same unit.

The catalogues (`metrics/data/posture_metrics.yaml`, `metrics/data/movement_tests.yaml`) say how a value is
measured; the knowledge base says how it is read (norms, thresholds, measurement error). This rule keeps the two
joined, and `kinetrace kb validate` runs it, so a renamed test or a changed unit is caught before any case is read.
"""

from __future__ import annotations

from kinetrace.knowledge.base import KnowledgeBase
from kinetrace.metrics.catalogue import Catalogue
from kinetrace.metrics.movement_spec import MovementSpecs

__all__ = ["catalogue_problems"]

# catalogue unit → the knowledge-base unit for the same quantity (a unit name, not a clinical number)
_SAME_QUANTITY = {"yes_no": "none", "steps_per_min": "count", "percent": "points"}


def _unit_matches(catalogue_unit: str, kb_unit: str) -> bool:
    return kb_unit in (catalogue_unit, _SAME_QUANTITY.get(catalogue_unit))


def _check(kb: KnowledgeBase, where: str, test_id: str, unit: str) -> list[str]:
    test = kb.tests.get(test_id)
    if test is None:
        return [f"{where}: feeds {test_id!r}, which is not a test in tests.yaml"]
    if not _unit_matches(unit, test.unit):
        return [f"{where}: unit {unit!r} does not match test {test_id!r} in tests.yaml (unit {test.unit!r})"]
    return []


def catalogue_problems(kb: KnowledgeBase, posture: Catalogue, movement: MovementSpecs) -> list[str]:
    """Return every catalogue entry whose knowledge-base test is missing or measured in another unit."""
    problems: list[str] = []
    for metric in posture.metrics:
        problems += _check(kb, f"posture_metrics.yaml: metric {metric.id!r}, field test_id", metric.test_id,
                           metric.unit)
    for test_id, spec in movement.tests.items():
        for m in spec.metrics:
            if m.feeds is not None:
                where = f"movement_tests.yaml: test {test_id!r}, metric {m.id!r}, field feeds"
                problems += _check(kb, where, m.feeds, m.unit)
    return problems
