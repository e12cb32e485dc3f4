"""Issue 11: terminal and Markdown output carry the report's content, readable at 80 columns."""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console

from kinetrace.assessment import assess
from kinetrace.cli.render import print_assessment, to_markdown
from kinetrace.demo_cases import demo_case_path
from kinetrace.intake import load_case


def _terminal(kb: Any) -> str:
    buf = io.StringIO()
    print_assessment(assess(load_case(demo_case_path()), kb), Console(file=buf, width=80, color_system=None), kb=kb)
    return buf.getvalue()


def test_terminal_fits_80_columns_and_carries_complaint_findings_and_safety_net(kb: Any) -> None:
    text = _terminal(kb)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Lumbar spine (low back), right side · pain 5/10" in text
    assert "R 19° · L 37°" in text  # the finding's values, per side
    assert "Safety netting" in text and "numb between your legs" in text
    assert re.search(r"… and \d+ more not tested", text)
    assert "Sahrmann" in text.split("Not tested")[1].split("\n")[1]  # the recommended next test is listed first


def test_markdown_has_the_same_sections(kb: Any) -> None:
    text = to_markdown(assess(load_case(demo_case_path()), kb), kb=kb)
    for heading in ("## Findings", "## Ranked sources", "## Next best test", "## Not tested", "## Plan",
                    "## Safety netting"):
        assert heading in text
    assert "Assessed: 2026-11-20" in text and "more not tested" in text
    assert "clinical.md" not in text and "§" not in text
