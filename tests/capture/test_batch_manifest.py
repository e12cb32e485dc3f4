"""The batch manifest's `capture` column: one 3-D trial per entry, paths beside the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinetrace.batch.inputs import read_manifest
from kinetrace.errors import InputError


def test_capture_column_gives_a_capture_spec(tmp_path: Path) -> None:
    manifest = tmp_path / "day.csv"
    manifest.write_text("case,capture\nc1.yaml,a.mp4+b.mp4+c.mp4@calib.toml:hip_rotation\nc2.yaml,\n")
    items = read_manifest(manifest)
    spec = items[0].media.captures[0]
    assert spec.videos == tuple(str(tmp_path / n) for n in ("a.mp4", "b.mp4", "c.mp4"))
    assert spec.calibration == str(tmp_path / "calib.toml") and spec.test == "hip_rotation"
    assert items[0].media and not items[1].media


def test_capture_entry_without_calibration_names_the_line(tmp_path: Path) -> None:
    manifest = tmp_path / "day.csv"
    manifest.write_text("case,capture\nc1.yaml,a.mp4+b.mp4:hip_rotation\n")
    with pytest.raises(InputError, match="line 2: capture 'a.mp4\\+b.mp4:hip_rotation'; expected CAM1"):
        read_manifest(manifest)
