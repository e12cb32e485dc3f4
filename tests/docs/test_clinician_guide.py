"""The clinician's guide: every picture it shows exists (made by scripts/gen_guide_images.py), and it walks the
pipeline in the clinicians' order."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_picture_in_the_guide_exists_and_is_a_png() -> None:
    text = (DOCS / "clinician-guide.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((images/[^)]+)\)", text)
    assert len(pictures) >= 8
    for rel in pictures:
        data = (DOCS / rel).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", rel


def test_the_guide_follows_intake_to_reassessment() -> None:
    text = (DOCS / "clinician-guide.md").read_text(encoding="utf-8")
    headings = ["## 1. Intake", "## 2. The red-flag screen", "## 3. Which tests", "## 4. Reading the result",
                "## 5. The plan", "## 6. The reports", "## 7. Reassessment"]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions)
