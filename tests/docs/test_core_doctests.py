"""Every docstring example in the core and the public API runs and holds."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kinetrace

CORE = ["kinetrace", "kinetrace.units", "kinetrace.assessment", "kinetrace.knowledge", "kinetrace.intake",
        "kinetrace.safety", "kinetrace.findings", "kinetrace.reasoning", "kinetrace.plan", "kinetrace.progress"]


def _modules() -> list[str]:
    names: list[str] = []
    for name in CORE:
        module = importlib.import_module(name)
        names.append(name)
        if hasattr(module, "__path__"):
            names += [m.name for m in pkgutil.walk_packages(module.__path__, prefix=f"{name}.")]
    return sorted(set(names) - {"kinetrace.__main__"})


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_package_docstring_example_runs() -> None:
    assert kinetrace.__doc__ and ">>>" in kinetrace.__doc__
