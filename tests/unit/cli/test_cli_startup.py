"""Start-up of the `kinetrace` command: help formatting is loaded only when help is shown."""

from __future__ import annotations

import subprocess
import sys

_PROBE = "import sys, kinetrace.cli.app; print(sorted(m for m in ('typer.rich_utils', 'pygments') if m in sys.modules))"


def test_importing_the_cli_does_not_load_the_help_renderer() -> None:
    # typer.rich_utils pulls in rich's Markdown, Syntax (Pygments) and traceback modules: ~0.2 s on every command
    out = subprocess.run([sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_help_prose_is_still_reflowed_to_the_terminal() -> None:
    from typer.testing import CliRunner

    from kinetrace.cli.app import app

    result = CliRunner().invoke(app, ["report", "--help"], env={"COLUMNS": "80"}, prog_name="kinetrace")
    assert result.exit_code == 0
    from typer import rich_utils

    assert getattr(rich_utils._fix_linebreaks, "_kinetrace", False)  # the reflow was applied when help was shown
