"""Turn the command line's CASES_OR_GLOB arguments into a list of case files, checked before any work starts."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from kinetrace.errors import InputError

__all__ = ["CASE_SUFFIXES", "expand_inputs"]

CASE_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")
_GLOB_CHARS = frozenset("*?[")


def expand_inputs(arguments: Sequence[str]) -> list[Path]:
    """Return the case files named by files, folders (their case files) or glob patterns (`**` recurses).

    Order follows the arguments, each folder or pattern sorted; a file named twice is kept once.

    Raises:
        InputError: no arguments, a path that does not exist, or a folder or pattern that holds no case file.
    """
    if not arguments:
        raise InputError("CASES", message="CASES: got nothing; expected case files, folders or glob patterns.")
    files: dict[Path, None] = {}
    for argument in arguments:
        for path in _expand_one(argument):
            files.setdefault(path, None)
    return list(files)


def _expand_one(argument: str) -> list[Path]:
    suffixes = "/".join(CASE_SUFFIXES)
    if _GLOB_CHARS & set(argument):
        matches = [Path(m) for m in sorted(glob.glob(argument, recursive=True)) if Path(m).is_file()]
        if not matches:
            raise InputError("CASES", argument, "a pattern that matches at least one file; check the pattern")
        return matches
    path = Path(argument)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CASE_SUFFIXES)
        if not found:
            raise InputError("CASES", argument, f"a folder holding case files ({suffixes})")
        return found
    if not path.exists():
        raise InputError("CASES", argument, "an existing case file, folder or glob pattern; check the path")
    return [path]
