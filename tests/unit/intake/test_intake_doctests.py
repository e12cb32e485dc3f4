"""The examples in the docstrings of intake and safety run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "kinetrace.intake.load",
    "kinetrace.intake.validate",
    "kinetrace.intake.activities",
    "kinetrace.safety.conditions",
    "kinetrace.safety.red_flags",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
