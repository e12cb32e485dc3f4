"""A 3-D capture finding (method multi_camera_3d) in the reports: the clinician report names the method with its
camera count, the validated error and the capture test; the patient handout says it in plain words."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import yaml

from kinetrace.assessment import assess
from kinetrace.capture.labels import capture_source
from kinetrace.demo_cases import demo_case_path
from kinetrace.intake import parse_case
from kinetrace.reports import render_html

# Seated hip IR measured by 4 cameras: right 12° is under the 30° limit by more than the ±5° error, so limited
# hip IR stands out (tests.yaml hip_ir_seated, threshold 30°).
CAPTURED = {
    "method": "multi_camera_3d",
    "source": capture_source(4, "hip_rotation"),
    "unit": "deg",
    "left": 38.0,
    "right": 12.0,
    "uncertainty": 5.0,
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self._row: list[str] | None = None
        self._in_li = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = []
        if tag == "li":
            self._in_li, self.items = True, [*self.items, ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        if tag == "li":
            self._in_li = False

    def handle_data(self, data: str) -> None:
        if self._row is not None and data.strip():
            self._row.append(data.strip())
        if self._in_li:
            self.items[-1] += data


def _assessed(kb: Any) -> tuple[Any, Any]:
    data = yaml.safe_load(demo_case_path().read_text(encoding="utf-8"))
    data["findings"]["hip_ir_seated"] = CAPTURED
    case = parse_case(data)
    return assess(case, kb), case


def test_clinician_report_prints_the_3d_finding_with_method_error_and_test(kb: Any) -> None:
    assessment, case = _assessed(kb)
    parser = _Text()
    parser.feed(render_html(assessment, kb, case=case, audience="clinician"))
    [row] = [r for r in parser.rows if r and r[0] == "Hip internal rotation, seated"]
    text = " | ".join(row)
    assert "L 38° · R 12° (±5°)" in text, text
    assert "3-D capture, validated ±5°" in text and "photo ±" not in text
    assert "3-D capture, 4 cameras; test: hip rotation" in text


def test_patient_handout_says_the_3d_finding_in_plain_words(kb: Any) -> None:
    assessment, case = _assessed(kb)
    parser = _Text()
    parser.feed(render_html(assessment, kb, case=case, audience="patient"))
    [item] = [i for i in parser.items if i.startswith("Hip internal rotation, seated")]
    assert re.search(r"your right side measured 12° and your left side 38°", item), item
    assert "We measured this in 3-D with 4 cameras filming you at once." in item
    assert "multi_camera_3d" not in item
