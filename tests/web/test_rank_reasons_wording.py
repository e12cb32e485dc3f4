"""The result page's 'why here' line names pain behaviours by their meaning, not their ids."""

from __future__ import annotations

from kinetrace.knowledge import load_knowledge
from kinetrace.web.view import rank_reasons


def test_behaviour_matches_and_mismatches_read_as_their_meaning() -> None:
    meaning = load_knowledge().model.behaviours
    result = {"ranking": [{"id": "thoracic_hyperkyphosis", "name": "Thoracic hyperkyphosis", "kind": "remote",
                           "probability": 0.4, "prior": 0.2, "state": "not_tested",
                           "behaviour_matches": ["sustained_posture"], "behaviour_mismatches": ["single_leg"],
                           "paths": [{"nodes": ["thoracic_hyperkyphosis", "thoracic"]}]}]}
    why = rank_reasons(result)["thoracic_hyperkyphosis"]
    assert f"pain behaviour fits ({meaning['sustained_posture']})" in why
    assert f"does not fit ({meaning['single_leg']})" in why
    assert "sustained_posture" not in why and "single leg" not in why
