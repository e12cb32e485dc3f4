"""The top-level public API changes only on purpose."""

import kinetrace


def test_top_level_all_is_pinned():
    assert sorted(kinetrace.__all__) == sorted([
        "Assessment", "Case", "InputError", "KinetraceError", "KnowledgeBase", "KnowledgeError", "assess",
        "demo_case_path", "load_case", "load_knowledge", "parse_case",
    ])
