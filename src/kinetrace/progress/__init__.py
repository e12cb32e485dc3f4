"""Progress: reassessment judged against each test's measurement error (MDC/SEM from the knowledge base).

`compare_assessments(before, after, kb)`, or `compare_cases` for two case files, returns a `Progress` holding one
`TestChange` per test and side, each 'improved', 'worsened' or 'within_measurement_error' (plus 'unchanged',
'changed' when no direction or error figure exists, and 'not_comparable' for unit mismatches). Pure: no I/O.
"""

from kinetrace.progress.cases import compare_cases
from kinetrace.progress.change import (
    ChangeVerdict,
    Direction,
    Progress,
    TestChange,
    compare_assessments,
    compare_findings,
    detectable_change,
)

__all__ = [
    "ChangeVerdict",
    "Direction",
    "Progress",
    "TestChange",
    "compare_assessments",
    "compare_cases",
    "compare_findings",
    "detectable_change",
]
