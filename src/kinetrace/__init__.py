"""Kinetrace: trace neck and back pain through the kinetic chain.

Public API:

>>> from kinetrace import assess, load_case, load_knowledge
>>> kb = load_knowledge()
>>> result = assess(load_case(demo_case_path()), kb)
>>> result.triage.action.value
'proceed_conservative_plan'
"""

from kinetrace.assessment import assess
from kinetrace.demo_cases import demo_case_path
from kinetrace.errors import InputError, KinetraceError, KnowledgeError
from kinetrace.intake import Case, load_case, parse_case
from kinetrace.knowledge import KnowledgeBase, load_knowledge
from kinetrace.result import Assessment

__all__ = [
    "Assessment",
    "Case",
    "InputError",
    "KinetraceError",
    "KnowledgeBase",
    "KnowledgeError",
    "assess",
    "demo_case_path",
    "load_case",
    "load_knowledge",
    "parse_case",
]

__version__ = "0.1.0"
