"""The shipped posture catalogue validates and covers every photo test id of the contract."""

from __future__ import annotations

import copy

import pytest
import yaml

from kinetrace.errors import KnowledgeError
from kinetrace.metrics.catalogue import load_catalogue, parse_catalogue

CONTRACT_IDS = {
    "craniovertebral_angle", "forward_head_translation", "frontal_head_tilt", "shoulder_height_difference",
    "pelvic_obliquity_angle", "lateral_trunk_shift", "sagittal_plumb_offset_ear", "sagittal_plumb_offset_shoulder",
    "sagittal_plumb_offset_hip", "sagittal_plumb_offset_knee", "knee_hyperextension", "trunk_inclination",
    "rounded_shoulder_angle", "standing_knee_frontal_angle",
}


def _raw() -> dict:
    from importlib import resources

    text = resources.files("kinetrace.metrics").joinpath("data", "posture_metrics.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_catalogue_covers_the_contract_test_ids() -> None:
    cat = load_catalogue()
    assert {m.test_id for m in cat.metrics} == CONTRACT_IDS


def test_names_say_proxy_where_a_proxy_landmark_is_central() -> None:
    cat = load_catalogue()
    for metric_id in ("craniovertebral_angle", "forward_head_translation", "pelvic_obliquity_angle",
                      "rounded_shoulder_angle"):
        assert "proxy" in cat.metric(metric_id).name.lower()


def test_references_exist_in_the_knowledge_base() -> None:
    from importlib import resources

    refs_text = resources.files("kinetrace.knowledge").joinpath("data", "references.yaml").read_text("utf-8")
    known = {r["id"] for r in yaml.safe_load(refs_text)}
    cat = load_catalogue()
    used = {r for m in cat.metrics for r in m.error.refs + (m.normal_range.refs if m.normal_range else [])}
    assert used <= known, used - known


def test_unknown_key_and_bad_unit_are_each_reported() -> None:
    data = copy.deepcopy(_raw())
    data["metrics"][0]["colour"] = "blue"
    data["metrics"][1]["unit"] = "furlong"
    with pytest.raises(KnowledgeError) as info:
        parse_catalogue(data)
    text = str(info.value)
    assert "metrics.0.colour" in text and "metrics.1.unit" in text


def test_duplicate_metric_id_is_an_error() -> None:
    data = copy.deepcopy(_raw())
    data["metrics"].append(copy.deepcopy(data["metrics"][0]))
    with pytest.raises(KnowledgeError, match="duplicate id"):
        parse_catalogue(data)
