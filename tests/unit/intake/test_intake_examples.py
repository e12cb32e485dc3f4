"""Every file in examples/ is a valid case for the shipped knowledge base and says what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinetrace.intake import load_case, map_activities, validate_case
from kinetrace.knowledge import load_knowledge

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FILES = sorted(EXAMPLES.glob("*.yaml"))
REQUIRED = [
    "seed_000_atlas_head_tilt",
    "seed_001_pelvic_obliquity",
    "seed_002_hip_to_neck",
    "seed_003_hip_ir_rotation",
    "seed_003_thoracic_rotation",
    "seed_003_overhead_shoulder",
    "seed_003_ankle_instability",
    "seed_003_psoas_hip_flexors",
    "seed_004_hip_flexors_neck",
    "red_flag_cauda_equina",
    "red_flag_cancer_history",
    "red_flag_axial_spa",
    "red_flag_night_pain",
    "missing_red_flag_answers",
    "nothing_remote_found",
    "conflicting_leg_length",
    "demo",
]


def test_the_required_examples_exist() -> None:
    assert {p.stem for p in FILES} >= set(REQUIRED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_starts_with_a_comment_and_validates(path: Path) -> None:
    kb = load_knowledge()
    assert path.read_text(encoding="utf-8").startswith("# ")
    case = load_case(path)
    assert case.id and case.pain
    measurements = validate_case(case, kb, source=str(path))
    assert len(measurements) == sum(len(case.finding_list(t)) for t in case.findings)


def test_demo_has_limited_hip_ir_beyond_error_and_maps_its_activities() -> None:
    kb = load_knowledge()
    case = load_case(EXAMPLES / "demo.yaml")
    (hip,) = validate_case(case, kb).for_test("hip_ir_prone")
    gate = kb.tests["hip_ir_prone"].measurement_error
    assert gate is not None and isinstance(hip.left, float) and isinstance(hip.right, float)
    assert abs(hip.left - hip.right) > 10 + gate.gate  # asymmetry rule (10°) plus the goniometer error band
    mappings, behaviour = map_activities(case, kb)
    assert "rotation" in behaviour[0].provoked
    assert any(m.activity is None for m in mappings)  # free text that maps to nothing is shown as such
