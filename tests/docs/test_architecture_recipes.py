"""The "How to add …" recipes of docs/architecture.md work as written: each is followed on a copy of the knowledge
base (or with a tiny real class), so a recipe that stops working fails here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from kinetrace.knowledge import load_knowledge
from kinetrace.knowledge.load import _default_dir
from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.feeds import catalogue_problems
from kinetrace.metrics.movement_measures import MEASURES
from kinetrace.metrics.movement_spec import load_movement_specs
from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame
from kinetrace.reasoning.model import build_model
from kinetrace.vision.pose import PoseEstimator, main_person

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
TEXT = DOC.read_text(encoding="utf-8")
YAML_BLOCKS = {body.splitlines()[0].removeprefix("# ").strip(): yaml.safe_load(body)
               for lang, body in re.findall(r"```(\w+)\n(.*?)```", TEXT, flags=re.DOTALL) if lang == "yaml"}


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(_default_dir(), folder)
    return folder


def _append(folder: Path, file: str) -> None:
    path = folder / file
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries += YAML_BLOCKS[file]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_adding_a_clinical_test_is_yaml_only(kb_copy: Path) -> None:
    _append(kb_copy, "tests.yaml")
    kb = load_knowledge(kb_copy)
    new = YAML_BLOCKS["tests.yaml"][0]["id"]
    assert new in kb.tests and kb.tests[new].informs[0].target in kb.impairments


def test_adding_an_edge_is_yaml_only_and_enters_the_network(kb_copy: Path) -> None:
    _append(kb_copy, "edges.yaml")
    kb = load_knowledge(kb_copy)
    new = YAML_BLOCKS["edges.yaml"][0]["id"]
    for profile in ("evidence", "seed"):
        assert any(link.edge_id == new for link in build_model(kb, profile).links), profile


def test_every_movement_test_has_a_measure_and_feeds_real_tests() -> None:
    assert "MEASURES" in TEXT and "movement_tests.yaml" in TEXT
    specs = load_movement_specs()
    assert set(specs.tests) <= set(MEASURES)
    assert catalogue_problems(load_knowledge(), load_catalogue(), specs) == []


class _CentreDot:
    """The smallest pose back end: one person, every landmark at the image centre."""

    def estimate(self, image_rgb: np.ndarray, *, time_s: float = 0.0, source: str = "") -> list[PoseFrame]:
        height, width = image_rgb.shape[:2]
        marks = {name: Landmark(0.5, 0.5) for name in LANDMARK_NAMES}
        return [PoseFrame(marks, width, height, time_s=time_s, source=source)]

    def describe(self) -> str:
        return "centre-dot/1"

    def close(self) -> None:
        """Nothing to release."""


def test_a_pose_back_end_is_a_class_with_estimate_and_describe() -> None:
    backend = _CentreDot()
    assert isinstance(backend, PoseEstimator)
    frame = main_person(backend.estimate(np.zeros((40, 30, 3), dtype=np.uint8), source="blank.png"))
    assert frame is not None and frame.image_width_px == 30 and frame.people_detected == 1
