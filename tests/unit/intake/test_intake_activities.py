"""Aggravating and easing activities → vocabulary ids (exact or by keyword) and behaviour signatures."""

from __future__ import annotations

from kinetrace.intake import PainBehaviour, map_activities, match_activity, parse_case
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.result import ActivityMapping


def _case(aggravating: list[str], easing: list[str] | None = None):  # noqa: ANN202 (test helper)
    return parse_case(
        {
            "patient": {"age": 40},
            "pain": [
                {
                    "region": "lumbar",
                    "intensity": 4,
                    "duration_weeks": 6,
                    "aggravating": aggravating,
                    "easing": easing or [],
                }
            ],
        }
    )


def test_exact_id_and_name_map_without_a_keyword(tiny_kb: KnowledgeBase) -> None:
    acts = tiny_kb.activities.values()
    assert match_activity("trunk_rotation", acts) == ("trunk_rotation", None)
    assert match_activity("Trunk rotation", acts) == ("trunk_rotation", None)
    assert match_activity("bending forward", acts) == ("trunk_flexion", None)  # the activity's name


def test_free_text_maps_by_whole_word_keyword(tiny_kb: KnowledgeBase) -> None:
    acts = tiny_kb.activities.values()
    assert match_activity("Twisting to reach the back seat", acts) == ("trunk_rotation", "twisting")
    assert match_activity("long days at my DESK", acts) == ("sustained_sitting", "desk")
    # "twist" must not match inside another word
    assert match_activity("the twister ride", acts) == (None, None)


def test_longest_keyword_wins(tiny_kb: KnowledgeBase) -> None:
    # "turning over in bed" (rotation) beats "in bed" (lying down) although both match
    assert match_activity("turning over in bed at night", tiny_kb.activities.values()) == (
        "turning_in_bed",
        "turning over in bed",
    )


def test_equal_length_ties_go_to_the_activity_listed_first(tiny_kb: KnowledgeBase) -> None:
    # "golf" (trunk_rotation, listed first) and "walk" (walking) are both four letters long
    assert match_activity("golf walk", tiny_kb.activities.values()) == ("trunk_rotation", "golf")
    assert match_activity("walk golf", tiny_kb.activities.values()) == ("trunk_rotation", "golf")


def test_unmapped_text_is_reported_with_no_activity(tiny_kb: KnowledgeBase) -> None:
    mappings, behaviour = map_activities(_case(["thinking about work"]), tiny_kb)
    assert mappings == [
        ActivityMapping(field="pain[0].aggravating[0]", text="thinking about work", activity=None, keyword=None)
    ]
    assert behaviour == {0: PainBehaviour()}


def test_behaviour_per_pain_entry_from_aggravating_and_easing(tiny_kb: KnowledgeBase) -> None:
    case = _case(["trunk_rotation", "sitting at the desk", "lying in bed"], ["hiking"])
    mappings, behaviour = map_activities(case, tiny_kb)
    assert [(m.field, m.activity, m.keyword) for m in mappings] == [
        ("pain[0].aggravating[0]", "trunk_rotation", None),
        ("pain[0].aggravating[1]", "sustained_sitting", "sitting"),
        ("pain[0].aggravating[2]", "lying_down", "in bed"),
        ("pain[0].easing[0]", "walking", "hiking"),
    ]
    # lying_down has no behaviour signature, so it adds none
    assert behaviour[0] == PainBehaviour(
        provoked=frozenset({"rotation", "sustained_posture"}), eased=frozenset({"standing_walking"})
    )


def test_several_pain_entries_are_kept_apart(tiny_kb: KnowledgeBase) -> None:
    case = parse_case(
        {
            "patient": {"age": 30},
            "pain": [
                {"region": "lumbar", "intensity": 4, "duration_weeks": 6, "aggravating": ["golf"]},
                {"region": "cervical_lower", "intensity": 3, "duration_weeks": 20, "aggravating": ["phone"]},
            ],
        }
    )
    _, behaviour = map_activities(case, tiny_kb)
    assert behaviour[0].provoked == {"rotation"}
    assert behaviour[1].provoked == {"sustained_posture"}
