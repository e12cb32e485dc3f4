"""Synchronisation by motion cross-correlation on real footage."""

from __future__ import annotations

import json
from pathlib import Path

from capture_media import write_clip
from typer.testing import CliRunner

from kinetrace.capture.pipeline import load_sync
from kinetrace.capture.sync import sync_offsets
from kinetrace.cli.app import app


def test_motion_sync_finds_a_known_offset(videos: list[Path], tmp_path: Path) -> None:
    late = write_clip(videos[0], tmp_path / "early_cut.mp4", start=15, frames=70)  # starts 0.25 s later
    result = sync_offsets([videos[0], late], by="motion", max_lag_s=1.0)
    assert result["cam01.mp4"]["offset_s"] == 0.0
    assert abs(result["early_cut.mp4"]["offset_s"] + 0.25) <= 0.02  # event comes 0.25 s earlier in the cut
    assert result["early_cut.mp4"]["correlation"] > 0.8


def test_cli_sync_shows_and_saves_offsets(videos: list[Path], tmp_path: Path) -> None:
    late = write_clip(videos[0], tmp_path / "cut.mp4", start=6, frames=60)
    out = tmp_path / "sync.json"
    res = CliRunner().invoke(app, ["capture", "sync", str(videos[0]), str(late), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "cut.mp4: offset -0.100 s" in res.output
    saved = json.loads(out.read_text())
    assert load_sync(out, ["cam01.mp4", "cut.mp4"]) == saved["offsets_s"]
