"""Where the built-in example cases live (shipped inside the package for `kinetrace demo`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["demo_case_path", "example_paths"]


def _folder() -> Path:
    return Path(str(resources.files("kinetrace") / "examples"))


def demo_case_path() -> Path:
    """Return the path of the built-in demo case."""
    return _folder() / "demo.yaml"


def example_paths() -> list[Path]:
    """Return every shipped example case, sorted by name."""
    return sorted(_folder().glob("*.yaml"))
