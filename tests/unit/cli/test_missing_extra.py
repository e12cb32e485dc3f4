"""Issue 11: a command whose optional extra is missing prints one line naming it and the install command, exit 2.

(The real check, once per change, is a throwaway venv with only the base install; see benchmarks/README.)
"""

from __future__ import annotations

import sys

import pytest

from kinetrace.cli.app import main
from kinetrace.demo_cases import demo_case_path


def test_report_without_weasyprint_names_the_reports_extra(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import now fails as if the package were absent
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(demo_case_path()), "--pdf", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and "pip install 'kinetrace[reports]'" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(ModuleNotFoundError):
        main(["--debug", "report", str(demo_case_path()), "--pdf", str(tmp_path / "x.pdf")])
