"""Every metric-catalogue entry that feeds a knowledge-base test names a test that exists, in the same unit
(the loader-side rule `metrics.feeds.catalogue_problems`, run by `kinetrace kb validate`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from kinetrace.knowledge import load_knowledge
from kinetrace.knowledge.load import _default_dir
from kinetrace.metrics.catalogue import load_catalogue, parse_catalogue
from kinetrace.metrics.feeds import catalogue_problems
from kinetrace.metrics.movement_spec import load_movement_specs


def test_shipped_catalogues_feed_existing_tests_in_their_units() -> None:
    assert catalogue_problems(load_knowledge(), load_catalogue(), load_movement_specs()) == []


def test_a_catalogue_entry_feeding_a_missing_test_is_named() -> None:
    catalogue = load_catalogue().model_dump(by_alias=True)
    catalogue["metrics"][0]["test_id"] = "no_such_test"
    problems = catalogue_problems(load_knowledge(), parse_catalogue(catalogue), load_movement_specs())
    assert problems == [f"posture_metrics.yaml: metric {catalogue['metrics'][0]['id']!r}, field test_id: feeds "
                        "'no_such_test', which is not a test in tests.yaml"]


def test_a_unit_mismatch_fails_kb_validate(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(_default_dir(), folder)
    tests = yaml.safe_load((folder / "tests.yaml").read_text(encoding="utf-8"))
    cva = next(t for t in tests if t["id"] == "craniovertebral_angle")
    cva["unit"] = "mm"  # the photo catalogue measures the CVA in degrees
    (folder / "tests.yaml").write_text(yaml.safe_dump(tests, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kinetrace", "kb", "validate", "--folder", str(folder)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert ("posture_metrics.yaml: metric 'craniovertebral_angle', field test_id: unit 'deg' does not match test "
            "'craniovertebral_angle'") in proc.stderr
