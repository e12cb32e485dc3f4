"""Every CLI command group is registered; a missing group module is an error, not a silently absent command."""

from __future__ import annotations

import pytest

from kinetrace.cli import app as cli_app


def test_every_listed_group_registers_its_commands() -> None:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in cli_app.app.registered_commands}
    names |= {g.name or "" for g in cli_app.app.registered_groups}
    assert {"assess", "demo", "kb", "report"} <= names


def test_a_missing_group_module_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_app, "GROUP_MODULES", ("kinetrace.cli.no_such_group",))
    with pytest.raises(ModuleNotFoundError, match="no_such_group"):
        cli_app._register_groups()
