"""Write docs/cli.md from the CLI's own help texts (run after changing a command; a test keeps it current).

Run: .venv/bin/python scripts/gen_cli_reference.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from kinetrace.cli.app import app

_FIXED_TERMINAL = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}

OUT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def _paths() -> list[list[str]]:
    root = get_command(app)
    paths: list[list[str]] = [[]]
    for name, cmd in sorted(root.commands.items()):  # type: ignore[attr-defined]
        paths.append([name])
        for sub in sorted(getattr(cmd, "commands", {}) or {}):
            paths.append([name, sub])
    return paths


@contextmanager
def _fixed_terminal() -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in _FIXED_TERMINAL}
    os.environ.update(_FIXED_TERMINAL)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def render() -> str:
    """Return the whole reference as Markdown (help rendered for a fixed 100-column plain terminal)."""
    with _fixed_terminal():
        return _render()


def _render() -> str:
    runner = CliRunner()
    parts = ["# Command-line reference", "",
             "Generated from the commands' own help by `scripts/gen_cli_reference.py`; a test checks it is current.",
             "Exit status: 0 done, 2 bad input (one `Error:` line naming the field), 1 any other error.", ""]
    for path in _paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="kinetrace")
        title = " ".join(["kinetrace", *path])
        body = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        parts += [f"## `{title}`", "", "```text", body, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
