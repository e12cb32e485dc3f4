"""Content rules for tests, interventions, red flags, questions and seeds (knowledge/data).

Expected numbers are quoted from research/clinical.md (section given beside each); the contract test-id table is
read from docs/contracts.md so that the two cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kinetrace.intake.case import Case
from kinetrace.knowledge import load_knowledge
from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.knowledge.schema import ActionLevel, Condition, InformRule
from kinetrace.safety.red_flags import screen_red_flags

ROOT = Path(__file__).resolve().parents[2]
LUMBAR_REQUIRED = {"saddle_numbness", "bladder_bowel_change", "cancer_history", "fever", "trauma"}
CERVICAL_REQUIRED = {"trauma", "cancer_history", "fever", "cervical_arterial_symptoms", "myelopathy_symptoms"}
THORACIC_REQUIRED = {"chest_pain_exertion", "sudden_tearing_pain", "trauma", "cancer_history", "fever"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _contract_test_ids() -> set[str]:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    table = text.split("## Test ids")[1].split("\n## ")[0]
    ids: set[str] = set()
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 4 or cells[2] in ("", "id") or cells[2].startswith("-"):
            continue
        if cells[2].startswith("sagittal_plumb_offset"):
            ids |= {f"sagittal_plumb_offset_{p}" for p in ("ear", "shoulder", "hip", "knee")}
        else:
            ids |= {part.strip() for part in cells[2].split("/")}
    return ids


def _rule(kb: KnowledgeBase, test_id: str, target: str) -> InformRule:
    return next(r for r in kb.tests[test_id].informs if r.target == target)


def test_every_contract_test_id_is_defined_and_nothing_else(kb: KnowledgeBase) -> None:
    assert set(kb.tests) == _contract_test_ids()


def test_impossible_values_fall_outside_the_valid_range(kb: KnowledgeBase) -> None:
    # §B: a hip IR of 400° or a CVA of 150° cannot be a measurement.
    for test_id, impossible in [("hip_ir_prone", 400), ("craniovertebral_angle", 150), ("cait_score", 31),
                                ("laslett_sij_cluster", 6), ("start_back_psychosocial", 6)]:
        vr = kb.tests[test_id].valid_range
        assert vr is not None and not vr.min <= impossible <= vr.max, test_id


def test_thresholds_quote_the_specification(kb: KnowledgeBase) -> None:
    hip = _rule(kb, "hip_ir_prone", "limited_hip_ir")  # B15: <30° or asymmetry ≥10° (EO)
    assert (hip.when, hip.threshold, hip.asymmetry) == ("below", 30, 10)
    assert _rule(kb, "hip_ir_prone", "hip_joint_pathology").threshold == 15  # B15: markedly limited <15°
    cva = _rule(kb, "craniovertebral_angle", "forward_head_posture")  # B1: <45.5 present, 45.5–50 borderline
    assert (cva.threshold, cva.borderline, cva.role) == (45.5, 50, "primary")
    assert _rule(kb, "cait_score", "ankle_instability").threshold == 27.5  # B23: ≤27
    assert _rule(kb, "start_back_psychosocial", "psychosocial_risk_high").threshold == 4  # B28
    assert _rule(kb, "modified_thomas_hip_angle", "hip_flexor_shortness").threshold == 0  # B16
    assert _rule(kb, "leg_length_difference", "leg_length_discrepancy_anatomic").threshold == 10  # B14
    assert _rule(kb, "laslett_sij_cluster", "sij_pain").threshold == 3  # B17


def test_error_gates_quote_the_error_budget(kb: KnowledgeBase) -> None:
    # §F.9: thoracic rotation MDC upper 6.3°, Thomas knee SEM ≈7°, tape leg length ±8.6 mm.
    expected = {"thoracic_rotation_seated": (6.3, "mdc"), "modified_thomas_knee_angle": (7, "sem"),
                "leg_length_difference": (8.6, "clinical_error")}
    for test_id, (gate, kind) in expected.items():
        err = kb.tests[test_id].measurement_error
        assert err is not None and (err.gate, err.kind) == (gate, kind), test_id


def test_design_default_gates_say_so(kb: KnowledgeBase) -> None:
    for test in kb.tests.values():
        err = test.measurement_error
        if err is not None and err.kind == "design_default":
            assert err.grade == "EO" and "design default" in err.text.lower(), test.id


def test_single_leg_stance_uses_springer_age_bands(kb: KnowledgeBase) -> None:
    # §B22 (Springer 2007, sexes averaged): 43/40/37/27/15/6 s.
    norms = [(a.age_min, a.value) for a in kb.tests["single_leg_stance_eyes_open"].age_norms]
    assert norms == [(18, 43), (40, 40), (50, 37), (60, 27), (70, 15), (80, 6)]


def test_published_accuracy_is_attached(kb: KnowledgeBase) -> None:
    # §F.8.
    expected = {("laslett_sij_cluster", "sij_pain"): (0.94, 0.78), ("cait_score", "ankle_instability"): (0.829, 0.747),
                ("cervical_flexion_rotation", "cervicogenic_headache"): (0.90, 0.88),
                ("wainner_radiculopathy_cluster", "cervical_radiculopathy"): (0.39, 0.94),
                ("straight_leg_raise", "lumbar_radicular_pain"): (0.36, 0.74),
                ("hip_ir_prone", "hip_joint_pathology"): (0.86, 0.75)}
    for (test_id, target), (sens, spec) in expected.items():
        acc = _rule(kb, test_id, target).accuracy
        assert acc is not None and (acc.sensitivity, acc.specificity) == (sens, spec), test_id


def test_leg_length_methods_rank_radiograph_lifts_tape_photo(kb: KnowledgeBase) -> None:
    ranks = {m.id: m.validity_rank for m in kb.tests["leg_length_difference"].methods}
    assert ranks["radiograph"] < ranks["lifts"] < ranks["tape"] < ranks["front_photo"]


def test_required_question_sets_per_region(kb: KnowledgeBase) -> None:
    def required(region: str) -> set[str]:
        return {q.id for q in kb.questions.values() if region in q.required_for}

    for region in ("lumbar", "pelvis", "hip"):
        assert required(region) == LUMBAR_REQUIRED
    for region in ("cervical_lower", "cervical_upper", "head"):
        assert required(region) == CERVICAL_REQUIRED
    for region in ("thoracic", "scapulothoracic", "shoulder"):
        assert required(region) == THORACIC_REQUIRED


def _question_ids(cond: Condition) -> set[str]:
    ids = {cond.yes} if cond.yes else set()
    for child in [*(cond.any or []), *(cond.all or []), *([cond.not_] if cond.not_ else [])]:
        ids |= _question_ids(child)
    if cond.count_at_least:
        for child in cond.count_at_least.of:
            ids |= _question_ids(child)
    return ids


def test_every_question_is_used_by_a_rule(kb: KnowledgeBase) -> None:
    used: set[str] = set()
    for rule in kb.red_flags.values():
        used |= _question_ids(rule.when) | set(rule.follow_up_questions)
        if rule.escalate_when:
            used |= _question_ids(rule.escalate_when)
    assert set(kb.questions) <= used, set(kb.questions) - used


def test_all_specified_rules_exist(kb: KnowledgeBase) -> None:
    expected = {*(f"RF-L{n}" for n in range(1, 10)), *(f"RF-C{n}" for n in range(1, 7)),
                *(f"RF-T{n}" for n in range(1, 4)), "RF-G1",
                # issue 10: nerve-root safety netting, progressive non-urgent signs, chest radiation screen
                "RF-L2b", "RF-L10", "RF-C4b", "RF-T1b"}
    assert set(kb.red_flags) == expected


def _case(region: str, answers: dict[str, str], *, age: int = 40, weeks: float = 1) -> Case:
    required = {q.id: "no" for q in load_knowledge().questions.values() if region in q.required_for}
    return Case.model_validate({"patient": {"age": age, "sex": "male"},
                                "pain": [{"region": region, "intensity": 5, "duration_weeks": weeks}],
                                "red_flags": {**required, **answers}})


@pytest.mark.parametrize(("region", "question", "rule_id"), [
    ("lumbar", "saddle_numbness", "RF-L1"), ("lumbar", "bladder_bowel_change", "RF-L1"),
    ("lumbar", "bilateral_leg_symptoms", "RF-L1"), ("lumbar", "pulsatile_abdominal_mass", "RF-L7"),
    ("cervical_upper", "cervical_arterial_symptoms", "RF-C2"), ("head", "sudden_severe_headache", "RF-C2"),
    ("thoracic", "chest_pain_exertion", "RF-T1"), ("thoracic", "sudden_tearing_pain", "RF-T2"),
])
def test_a_yes_that_means_emergency_fires_its_rule(kb: KnowledgeBase, region: str, question: str,
                                                   rule_id: str) -> None:
    triage = screen_red_flags(_case(region, {question: "yes"}), kb)
    assert triage.action == ActionLevel.EMERGENCY_REFERRAL
    assert any(f.rule_id == rule_id and f.action == ActionLevel.EMERGENCY_REFERRAL for f in triage.flags)


def test_weak_flags_screen_further_and_combine_to_urgent(kb: KnowledgeBase) -> None:
    # §E.1 RF-L4: age over 50 alone → screen further; with night pain (two flags) → urgent.
    assert screen_red_flags(_case("lumbar", {}, age=55), kb).action == ActionLevel.PROCEED_WITH_SAFETY_NETTING
    both = screen_red_flags(_case("lumbar", {"night_pain_unrelieved": "yes"}, age=55), kb)
    assert both.action == ActionLevel.URGENT_REFERRAL


def test_neck_trauma_is_emergency_only_when_recent_with_a_high_risk_factor(kb: KnowledgeBase) -> None:
    # §E.2 RF-C1 and §E.4 rule 5: acute → Canadian C-spine rule; chronic → whiplash pathway.
    answers = {"trauma": "yes", "dangerous_mechanism": "yes"}
    acute = screen_red_flags(_case("cervical_lower", answers, weeks=0.5), kb)
    chronic = screen_red_flags(_case("cervical_lower", answers, weeks=12), kb)
    assert acute.action == ActionLevel.EMERGENCY_REFERRAL
    assert chronic.action == ActionLevel.PROCEED_WITH_SAFETY_NETTING


def test_do_not_offer_items_are_never_recommended(kb: KnowledgeBase) -> None:
    banned = {"lumbar_belt_or_corset", "foot_orthotics_for_lbp", "rocker_sole_shoes", "spinal_traction",
              "acupuncture_for_lbp", "therapeutic_ultrasound", "tens_pens", "routine_imaging",
              "upper_cervical_adjustment_cbct", "custom_orthotics_footwear"}
    for iv_id in banned:
        iv = kb.interventions[iv_id]
        assert not iv.recommended and iv.grade.is_contradicted and iv.not_recommended_reason, iv_id


def test_every_ranked_impairment_of_section_d_has_a_recommended_option(kb: KnowledgeBase) -> None:
    targets = {t for iv in kb.interventions.values() if iv.recommended and not iv.grade.is_contradicted
               and iv.profile != "seed" for t in iv.targets}
    section_d = {"hip_flexor_shortness", "anterior_pelvic_tilt", "limited_hip_ir", "gluteal_weakness",
                 "limited_thoracic_rotation", "thoracic_hyperkyphosis", "limited_overhead_shoulder_flexion",
                 "limited_ankle_dorsiflexion", "ankle_instability", "balance_deficit_general",
                 "leg_length_discrepancy_anatomic", "pelvic_obliquity", "forward_head_posture",
                 "deep_neck_flexor_deficit", "upper_crossed_pattern", "upper_cervical_mobility_restriction",
                 "lower_crossed_pattern", "lumbar_movement_impairment", "psychosocial_risk_high"}
    assert section_d <= targets, section_d - targets


def test_cervical_manual_therapy_is_blocked_by_vascular_and_instability_flags(kb: KnowledgeBase) -> None:
    for iv_id in ("c1_c2_snag_mobilisation", "thoracic_manipulation", "manual_therapy_with_exercise"):
        blocked = set(kb.interventions[iv_id].contraindicated_by)
        assert {"cervical_arterial_dysfunction_suspected", "upper_cervical_instability_suspected"} <= blocked
    assert "aaa_suspected" in kb.interventions["psoas_trigger_point_release"].contraindicated_by


def test_each_seed_is_represented(kb: KnowledgeBase) -> None:
    assert set(kb.seeds) == {"000", "001", "002", "003", "004"}
    for seed in kb.seeds.values():
        assert (ROOT.parent / "shared" / "seeds" / seed.file).name.startswith(seed.id)
        assert seed.chains and seed.tests and seed.remedies and seed.claims, seed.id
        assert set(seed.chains) == {e.id for e in kb.edges.values() if seed.id in e.seeds}, seed.id
        assert set(seed.claims) == {c.id for c in kb.seed_claims.values() if c.seed in (seed.id, "all")}
        own = [r for r in seed.remedies if seed.id in kb.interventions[r].seeds]
        assert own, f"seed {seed.id} lists none of its own remedies"
