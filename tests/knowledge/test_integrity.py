"""The shipped knowledge base validates, and each integrity rule fires on a small broken copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from kinetrace.errors import KnowledgeError
from kinetrace.knowledge import KB_FILES, load_knowledge
from kinetrace.knowledge.load import _default_dir


def test_shipped_knowledge_base_loads_with_zero_problems():
    kb = load_knowledge()
    assert {f"E{n:02d}" for n in range(1, 35)} <= set(kb.edges)  # §A.2; later edges (E35…) may be added in YAML
    assert len(kb.version) == 12


def test_every_data_file_is_present():
    folder = _default_dir()
    for name in [*KB_FILES, "model.yaml"]:
        assert (folder / name).is_file(), name


@pytest.fixture
def broken(tmp_path: Path) -> Callable[[str, Callable[[list], None]], Path]:
    def make(file: str, change: Callable[[list], None]) -> Path:
        target = tmp_path / "data"
        shutil.copytree(_default_dir(), target)
        path = target / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return target

    return make


def _entry(data: list, entry_id: str) -> dict:
    return next(e for e in data if e["id"] == entry_id)


def _problems(folder: Path) -> str:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(folder)
    return str(info.value)


def test_dangling_edge_names_file_entry_and_value(broken):
    folder = broken("edges.yaml", lambda d: _entry(d, "E06")["cause"].__setitem__(0, "no_such_node"))
    text = _problems(folder)
    assert "edges.yaml" in text and "'E06'" in text and "no_such_node" in text and "dangling" in text


def test_unknown_reference_key_is_reported(broken):
    folder = broken("edges.yaml", lambda d: _entry(d, "E07")["refs"].append("R999"))
    text = _problems(folder)
    assert "'E07'" in text and "R999" in text


def test_fact_without_grade_is_reported(broken):
    folder = broken("edges.yaml", lambda d: _entry(d, "E15")["grades"].pop("pain"))
    text = _problems(folder)
    assert "edges.yaml" in text and "'E15'" in text and "grades.pain" in text


def test_fact_without_source_is_reported(broken):
    folder = broken("tests.yaml", lambda d: d[0].pop("refs"))
    assert "refs" in _problems(folder)


def test_impossible_threshold_outside_valid_range_is_reported(broken):
    def change(data: list) -> None:
        rule = _entry(data, "hip_ir_prone")["informs"][0]
        rule["threshold"] = 400

    text = _problems(folder := broken("tests.yaml", change))
    assert "hip_ir_prone" in text and "400" in text and folder.exists()


def test_reversed_valid_range_is_reported(broken):
    folder = broken("tests.yaml", lambda d: _entry(d, "hip_ir_prone").__setitem__("valid_range", {"min": 90,
                                                                                                   "max": -30}))
    assert "hip_ir_prone" in _problems(folder)


def test_duplicate_id_is_an_error_not_an_overwrite(broken):
    folder = broken("regions.yaml", lambda d: d.append(dict(d[0])))
    assert "defined twice" in _problems(folder)


def test_unknown_key_is_forbidden(broken):
    folder = broken("regions.yaml", lambda d: d[0].__setitem__("colour", "red"))
    text = _problems(folder)
    assert "regions.yaml" in text and "colour" in text


def test_plan_item_must_point_at_an_impairment(broken):
    def change(data: list) -> None:
        item = next(e for e in data if e.get("layer", "specific") == "specific")
        item["targets"] = ["not_an_impairment"]

    assert "not_an_impairment" in _problems(broken("interventions.yaml", change))


def test_red_flag_rule_must_use_known_questions(broken):
    def change(data: list) -> None:
        data[0]["when"] = {"yes": "no_such_question"}

    assert "no_such_question" in _problems(broken("red_flags.yaml", change))


def test_every_problem_is_gathered_before_failing(broken):
    def change(data: list) -> None:
        _entry(data, "E06")["cause"] = ["ghost_a"]
        _entry(data, "E07")["effect"] = ["ghost_b"]

    text = _problems(broken("edges.yaml", change))
    assert "ghost_a" in text and "ghost_b" in text


# ---- content rules that used to live only in tests: each is a loader rule now, so `kb validate` checks it ----

def _validate_cli(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kinetrace", "kb", "validate", "--folder", str(folder)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_asymmetric_neighbours_fail_kb_validate_naming_file_and_entry(broken):
    def change(data: list) -> None:
        hip = _entry(data, "hip")
        hip["neighbours"] = [n for n in hip["neighbours"] if n != "knee"]

    proc = _validate_cli(broken("regions.yaml", change))
    assert proc.returncode == 1, proc.stdout
    assert "regions.yaml: entry 'knee', field neighbours: 'hip' does not list 'knee' back" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_region_without_a_local_source_is_reported(broken):
    def change(data: list) -> None:
        for entry in data:
            entry["local_to"] = [lt for lt in entry.get("local_to", []) if lt["region"] != "foot"]

    assert "regions.yaml: entry 'foot': no local source explains pain here" in _problems(
        broken("impairments.yaml", change))


def test_prior_outside_the_model_range_is_reported(broken):
    folder = broken("impairments.yaml", lambda d: _entry(d, "limited_hip_ir").__setitem__("prior", 0.9))
    assert "impairments.yaml: entry 'limited_hip_ir', field prior: 0.9 lies outside" in _problems(folder)


def test_expert_opinion_pain_link_must_be_a_seed_entry(broken):
    # E05 is graded EO/EO in §A.2: a link to pain resting on expert opinion alone is a seed claim
    folder = broken("edges.yaml", lambda d: _entry(d, "E05").__setitem__("profile", "literature"))
    assert "edges.yaml: entry 'E05', field profile" in _problems(folder)


def test_claim_and_edge_must_point_at_each_other(broken):
    def change(data: list) -> None:
        edge = next(e for e in data if e.get("seed_claims"))
        edge["seed_claims"] = []

    assert "does not list the edge back" not in (text := _problems(broken("edges.yaml", change)))
    assert "does not list the claim back" in text


def test_activity_keyword_must_be_lower_case(broken):
    folder = broken("activities.yaml", lambda d: d[0]["keywords"].append("Desk Work"))
    assert "'Desk Work' must be lower case" in _problems(folder)


def test_exception_excuses_one_entry_for_one_rule_and_cannot_go_stale(broken, tmp_path):
    folder = broken("impairments.yaml", lambda d: _entry(d, "limited_hip_ir").__setitem__("prior", 0.9))
    exceptions = folder / "exceptions.yaml"
    shipped = yaml.safe_load(exceptions.read_text(encoding="utf-8")) or []  # the shipped ones stay in force
    exceptions.write_text(yaml.safe_dump([*shipped, {"rule": "impairment_ids_resolve", "id": "limited_hip_ir",
                                                     "reason": "prior from a specialist hip clinic population"}]),
                          encoding="utf-8")
    assert load_knowledge(folder).impairments["limited_hip_ir"].prior == 0.9
    exceptions.write_text(yaml.safe_dump([*shipped, {"rule": "impairment_ids_resolve", "id": "E06",
                                                     "reason": "stale: nothing about E06 breaks this rule"}]),
                          encoding="utf-8")
    text = _problems(folder)
    assert "exceptions.yaml: entry 'E06': rule 'impairment_ids_resolve' no longer fires" in text
    assert "limited_hip_ir" in text  # the prior is no longer excused


# ---- adding a compensation edge is YAML only ----

E35 = {
    "id": "E35",
    "name": "Limited ankle dorsiflexion → knee pain",
    "kind": "compensation",
    "cause": ["limited_ankle_dorsiflexion"],
    "effect": ["knee"],
    "mechanism": "A stiff ankle moves the squat's forward travel of the shin into the knee.",
    "behaviour": [],
    "evidence": "Test entry added by the suite on a copy of the knowledge base.",
    "grades": {"mech": "C", "pain": "C"},
    "refs": ["R15"],
}


def test_a_new_compensation_edge_needs_no_python(broken, tmp_path):
    from kinetrace import assess, parse_case
    from kinetrace.reasoning.model import build_model

    folder = broken("edges.yaml", lambda d: d.append(dict(E35)))
    proc = _validate_cli(folder)
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout
    kb = load_knowledge(folder)
    model = build_model(kb, "evidence")
    assert any(link.edge_id == "E35" for link in model.links)
    case = parse_case({"id": "e35", "patient": {"age": 40, "sex": "female"},
                       "pain": [{"region": "knee", "side": "left", "intensity": 4, "duration_weeks": 8}],
                       "red_flags": {}})
    result = assess(case, kb)
    assert result.kb_version == kb.version


def test_design_default_gate_must_be_graded_expert_opinion(broken):
    def change(data: list) -> None:
        test = next(t for t in data if (t.get("measurement_error") or {}).get("kind") == "design_default")
        test["measurement_error"]["grade"] = "B"
        change.test_id = test["id"]  # type: ignore[attr-defined]

    text = _problems(broken("tests.yaml", change))
    assert f"tests.yaml: entry {change.test_id!r}, field measurement_error: a design-default gate" in text  # type: ignore[attr-defined]


def test_a_question_no_rule_asks_is_reported(broken):
    def change(data: list) -> None:
        data.append({**data[0], "id": "orphan_question"})

    assert "questions.yaml: entry 'orphan_question': no red-flag rule asks it" in _problems(
        broken("questions.yaml", change))


def test_follow_up_question_with_an_unknown_region_is_reported(broken):
    folder = broken("questions.yaml", lambda d: _entry(d, "ibp_onset_before_40").__setitem__("regions", ["elbow"]))
    assert ("questions.yaml: entry 'ibp_onset_before_40', field regions: unknown region 'elbow'"
            in _problems(folder))


def test_loader_rule_requires_tests_of_one_measure_to_share_a_construct():
    from kinetrace.knowledge.load import construct_problems

    kb = load_knowledge()
    assert construct_problems(kb.tests) == []
    broken = dict(kb.tests)
    broken["hip_ir_seated"] = kb.tests["hip_ir_seated"].model_copy(update={"construct_group": None})
    problems = construct_problems(broken)
    assert any("'hip_ir_prone' and 'hip_ir_seated'" in p and "limited_hip_ir" in p for p in problems), problems


def test_loader_rule_rejects_a_construct_with_repeated_ranks_or_one_member():
    from kinetrace.knowledge.load import construct_problems
    from kinetrace.knowledge.schema import Construct

    kb = load_knowledge()
    broken = dict(kb.tests)
    broken["hip_ir_seated"] = kb.tests["hip_ir_seated"].model_copy(
        update={"construct_group": Construct(id="hip_internal_rotation", validity_rank=1)})
    broken["cait_score"] = kb.tests["cait_score"].model_copy(
        update={"construct_group": Construct(id="lonely", validity_rank=1)})
    problems = construct_problems(broken)
    assert any("validity_rank repeats" in p for p in problems), problems
    assert any("'lonely'" in p and "at least two tests" in p for p in problems), problems


def test_a_proxy_method_that_no_test_declares_is_reported(broken):
    folder = broken("model.yaml", lambda d: d["proxy_confirmation"]["proxy_methods"].append("selfie_cam"))
    assert ("model.yaml: entry 'selfie_cam', field proxy_confirmation.proxy_methods: got 'selfie_cam'; expected a "
            "method id of tests.yaml") in _problems(folder)


def test_a_photo_method_that_is_not_a_proxy_is_reported(broken):
    folder = broken("model.yaml", lambda d: d["proxy_confirmation"]["proxy_methods"].remove("side_photo"))
    assert ("model.yaml: entry 'side_photo', field proxy_confirmation.photo_methods: got 'side_photo'; expected "
            "one of proxy_methods") in _problems(folder)


def test_the_generic_photo_method_needs_its_listed_exception(broken):
    folder = broken("exceptions.yaml", lambda d: d.clear())
    assert "model.yaml: entry 'photo', field proxy_confirmation.proxy_methods: got 'photo'" in _problems(folder)
