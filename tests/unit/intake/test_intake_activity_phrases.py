"""Everyday and sport phrasing maps to the activity vocabulary of the shipped knowledge base (issue 10).

Each phrase is how a person describes what makes the pain worse; the expected activity id is the one a
physiotherapist would file it under (clinical.md §A.2 behaviour signatures: rotation for strokes and turning,
overhead for reaching up, single-leg for landing, flexion for bending, cough/sneeze for raised canal pressure).
"""

from __future__ import annotations

import pytest

from kinetrace import assess, load_knowledge, parse_case
from kinetrace.intake import match_activity

PHRASES: dict[str, str] = {
    # sport strokes and swings (rotation)
    "serving": "trunk_rotation",
    "tennis serve": "trunk_rotation",
    "hitting a forehand": "trunk_rotation",
    "backhand": "trunk_rotation",
    "golf swing follow-through": "trunk_rotation",
    "the follow through on my golf swing": "trunk_rotation",
    "swinging a club": "trunk_rotation",
    "batting in cricket": "trunk_rotation",
    "rowing": "trunk_rotation",
    "throwing a ball for the dog": "trunk_rotation",
    "turning to reverse the car": "trunk_rotation",
    "reaching into the back seat": "trunk_rotation",
    "twisting to look behind": "trunk_rotation",
    "mopping the floor": "trunk_rotation",
    "shovelling snow": "trunk_rotation",
    # neck movement
    "turning head": "neck_movement",
    "turning my head to the left": "neck_movement",
    "checking the blind spot": "neck_movement",
    "reversing the car": "neck_movement",
    "looking up": "neck_movement",
    "looking over my shoulder": "neck_movement",
    # getting up
    "getting out of the car": "sit_to_stand",
    "getting in and out of the car": "sit_to_stand",
    "standing up from a chair": "sit_to_stand",
    "getting off the sofa": "sit_to_stand",
    # single-leg loading
    "landing": "single_leg_loading",
    "landing from a jump": "single_leg_loading",
    "going down stairs": "single_leg_loading",
    "climbing stairs": "single_leg_loading",
    "playing netball": "single_leg_loading",
    "stepping off a kerb": "single_leg_loading",
    "lunges": "single_leg_loading",
    "running": "running",
    "jogging in the park": "running",
    # overhead
    "painting ceilings": "overhead_reach",
    "painting the ceiling": "overhead_reach",
    "changing a light bulb": "overhead_reach",
    "hanging washing": "overhead_reach",
    "putting things on high shelves": "overhead_reach",
    "washing my hair": "overhead_reach",
    # bending and lifting
    "bending": "trunk_flexion",
    "bending over the sink": "trunk_flexion",
    "putting on socks": "trunk_flexion",
    "gardening": "trunk_flexion",
    "loading the dishwasher": "trunk_flexion",
    "vacuuming": "trunk_flexion",
    "lifting boxes": "lifting",
    "carrying the baby": "lifting",
    "carrying shopping bags": "lifting",
    # extension
    "leaning back": "lumbar_extension",
    "arching my back": "lumbar_extension",
    "breaststroke": "lumbar_extension",
    # sustained postures
    "sitting at my desk": "sustained_sitting",
    "long drives": "sustained_sitting",
    "working on my laptop": "screen_use",
    "looking down at my phone": "screen_use",
    "typing": "screen_use",
    # standing and walking
    "standing in queues": "prolonged_standing",
    "cooking": "prolonged_standing",
    "walking the dog": "walking",
    "hiking uphill": "walking",
    # cough and sneeze (radicular signature)
    "coughing": "coughing_sneezing",
    "when I sneeze": "coughing_sneezing",
    "straining on the toilet": "coughing_sneezing",
    # easing and pattern
    "lying down": "lying_down",
    "rest": "rest",
    "hot shower": "heat",
    "first thing in the morning": "morning",
    "squatting down": "squatting",
}


def test_at_least_sixty_phrases_are_pinned() -> None:
    assert len(PHRASES) >= 60


@pytest.mark.parametrize(("phrase", "activity"), sorted(PHRASES.items()))
def test_phrase_maps_to_activity(phrase: str, activity: str) -> None:
    got, _ = match_activity(phrase, load_knowledge().activities.values())
    assert got == activity, (phrase, got)


def test_cough_and_sneeze_carry_the_radicular_behaviour_signature() -> None:
    kb = load_knowledge()
    assert kb.activities["coughing_sneezing"].behaviour == "cough_sneeze"
    assert "cough_sneeze" in kb.model.local_behaviours["lumbar_radicular_pain"]


def test_every_unmapped_phrase_is_shown_in_the_warnings() -> None:
    case = parse_case({
        "patient": {"age": 40},
        "red_flags": {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no",
                      "fever": "no", "trauma": "no"},
        "pain": [{"region": "lumbar", "intensity": 4, "duration_weeks": 6,
                  "aggravating": ["zorbing", "bending", "underwater basket weaving"], "easing": ["quokka"]}],
    })
    result = assess(case, load_knowledge())
    unmapped = [m.text for m in result.activity_mapping if m.activity is None]
    assert unmapped == ["zorbing", "underwater basket weaving", "quokka"]
    shown = " ".join(result.warnings)
    for text in unmapped:
        assert repr(text) in shown
