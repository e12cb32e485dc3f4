"""Every web setting is documented: README lists each `KINETRACE_*` variable, `serve --help` names the new ones."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kinetrace.cli.app import app
from kinetrace.web.config import WebSettings

ROOT = Path(__file__).resolve().parents[2]
NEW_IN_ISSUE_12 = ("public_url", "docs_public", "result_valid_days", "max_image_pixels", "sign_in_attempts",
                   "sign_in_backoff_s", "sign_in_window_s")


def test_readme_lists_every_web_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in WebSettings.model_fields if f"`KINETRACE_{name.upper()}`" not in readme]
    assert not missing, f"README.md does not document {missing}"


def test_serve_help_and_cli_reference_name_the_new_settings() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in NEW_IN_ISSUE_12:
        variable = f"KINETRACE_{name.upper()}"
        assert variable in result.output, variable
        assert variable in reference, variable
