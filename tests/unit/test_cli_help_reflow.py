"""`--help` re-wraps prose paragraphs to the terminal and keeps example blocks line by line."""

from __future__ import annotations

import os
import subprocess
import sys


def test_prose_paragraphs_are_joined_and_examples_keep_their_lines() -> None:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-m", "kinetrace", "movement", "--help"], capture_output=True, text=True,
                         env=env, timeout=120, check=True).stdout
    lines = [line.strip() for line in out.splitlines()]
    # the docstring breaks this sentence after "(case"; re-wrapped, the phrase stays on one 80-column line
    assert any("findings.yaml (case format, merge into a case)" in line for line in lines), out
    assert "kinetrace movement walk.mp4 --test gait" in lines  # an example keeps its own line
    assert max(len(line) for line in out.splitlines()) <= 80
