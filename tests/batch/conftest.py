"""Fixtures of the batch tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_cases import write_case_set


@pytest.fixture(scope="module")
def case_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every example and test case as a plain case file (shared by a module's tests: do not change them)."""
    return write_case_set(tmp_path_factory.mktemp("cases"))
