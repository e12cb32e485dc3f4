"""`--help` re-wraps prose paragraphs to the terminal and keeps example blocks line by line."""

from __future__ import annotations

from typer import rich_utils

import kinetrace.cli.app  # noqa: F401 - installs the reflow


def test_prose_paragraphs_are_joined_and_examples_keep_their_lines() -> None:
    prose = "Writes frames.csv, summary.json, findings.yaml (case\nformat, merge into a case)."
    examples = "Examples:\n  kinetrace movement walk.mp4 --test gait\n  kinetrace movement a.mp4 --test squat"
    text = rich_utils._fix_linebreaks([prose, examples], "rich")
    assert text == ("Writes frames.csv, summary.json, findings.yaml (case format, merge into a case).\n\n" + examples)
