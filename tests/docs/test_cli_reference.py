"""docs/cli.md is generated from the commands' own help and must be current (every command documented)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_cli_reference", ROOT / "scripts" / "gen_cli_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    expected = _generator().render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run `python scripts/gen_cli_reference.py`"


def test_every_command_has_an_example_or_usage_in_the_reference():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in ("demo", "assess", "kb list", "kb show", "kb validate", "kb export", "posture", "movement",
                    "serve", "report", "export", "import", "batch"):
        assert f"## `kinetrace {command}`" in text, command
