"""Real PDFs from WeasyPrint, rendered to PNG pages with pdftoppm and read back with pdftotext (poppler)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from kinetrace.reports import compose_report, model_pdf, write_atomic
from kinetrace.result import Assessment

# Issue 11: the clinician report opens with a one-page summary (which names the plan and the safety-netting), then
# the detail; the patient handout carries findings in plain words, a home programme, a week, when to come back.
CLINICIAN_SECTIONS = ["Clinician report", "Summary", "Ranked sources and contributors",
                      "Chain links and their evidence", "Measurements against norms", "Not tested",
                      "Evidence grades", "Sources"]
PATIENT_SECTIONS = ["Your back and neck report", "What we found", "What may be going on", "Your home programme",
                    "Your week", "When to come back", "When to get help"]


def _pdf(tmp: Path, name: str, assessment: Assessment, kb: Any, **kw: Any) -> Path:
    model = compose_report(assessment, generated_on="21 Nov 2026", kb=kb, **kw)
    path = tmp / f"{name}.pdf"
    write_atomic(path, model_pdf(model))
    return path


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pages(pdf: Path, out: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(out / pdf.stem)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(out.glob(f"{pdf.stem}-*.png"))]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, demo: tuple, kb: Any) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("pdf")
    assessment, case = demo
    return {"clinician": _pdf(tmp, "clinician", assessment, kb, audience="clinician", case=case),
            "patient": _pdf(tmp, "patient", assessment, kb, audience="patient", case=case)}


def _in_order(text: str, headings: list[str]) -> None:
    positions = [text.find(h) for h in headings]
    assert -1 not in positions, [h for h, p in zip(headings, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_clinician_pdf_has_every_section_in_order(rendered: dict[str, Path], demo: tuple) -> None:
    from kinetrace.reports import build_report

    text = _text(rendered["clinician"])
    _in_order(text, CLINICIAN_SECTIONS)
    headline = build_report(demo[0], audience="clinician", generated_on="x").triage.headline
    assert headline in text.split("\f")[0]  # the safety screen leads the first page


def test_patient_pdf_has_every_section_and_no_clinician_tables(rendered: dict[str, Path]) -> None:
    text = _text(rendered["patient"])
    _in_order(text, PATIENT_SECTIONS)
    assert "Chain links and their evidence" not in text and "may contribute" in text


def test_every_page_has_numbers_and_the_clinician_pages_the_kb_version(rendered: dict[str, Path],
                                                                        demo: tuple) -> None:
    assessment, _ = demo
    for audience, pdf in rendered.items():
        pages = _text(pdf).split("\f")[:-1]
        assert len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            assert re.search(rf"Page {number} of {len(pages)}", page)
            has_kb = f"Knowledge base {assessment.kb_version}" in page and "profile evidence" in page
            assert has_kb == (audience == "clinician")  # issue 11: no knowledge-base hash in patient text


def test_pages_render_as_a4_with_the_triage_banner_and_pain_map(rendered: dict[str, Path],
                                                                tmp_path: Path) -> None:
    pages = _pages(rendered["clinician"], tmp_path)
    width, height = pages[0].size
    assert height / width == pytest.approx(297 / 210, abs=0.01)
    first = pages[0]
    colours = {c for _, c in first.crop((0, 0, width, int(height * 0.6))).getcolors(1 << 24)}
    colours |= {c for _, c in pages[1].getcolors(1 << 24)}  # the body diagram opens the detail after the summary
    # the triage banner (green #e8f4ec, amber #fdf3e1 or red #fbe5e2) and the red pain disc over the outline
    banners = [(0xE8, 0xF4, 0xEC), (0xFD, 0xF3, 0xE1), (0xFB, 0xE5, 0xE2)]
    assert any(max(abs(c - k) for c, k in zip(colour, banner, strict=True)) < 6
               for colour in colours for banner in banners)
    assert any(r > 180 and r - g > 40 and r - b > 40 for r, g, b in colours)
    for page in pages:
        assert len(page.getcolors(1 << 24)) > 10  # nothing blank


def test_reassessment_pdf_shows_changes_against_measurement_error(tmp_path: Path, sample: Assessment,
                                                                  sample_week6: Assessment, kb: Any) -> None:
    pdf = _pdf(tmp_path, "progress", sample_week6, kb, audience="clinician", previous=sample)
    text = _text(pdf)
    assert "Reassessment: change against measurement error" in text
    assert "improved" in text and "within measurement error" in text
    assert re.search(r"22°\s+34°\s+\+12\.0°", text)


def test_emergency_report_leads_with_the_flag_and_holds_the_plan(tmp_path: Path, emergency: Assessment,
                                                                 kb: Any) -> None:
    assert emergency.triage.action == "emergency_referral"
    text = _text(_pdf(tmp_path, "emergency", emergency, kb, audience="patient"))
    first_page = text.split("\f")[0]
    assert "Emergency: seek medical care now" in first_page
    assert "Please wait before you start any exercises" in text
    pages = _pages(tmp_path / "emergency.pdf", tmp_path)
    colours = {c for _, c in pages[0].getcolors(1 << 24)}
    assert any(abs(r - 0xFB) < 6 and abs(g - 0xE5) < 6 and abs(b - 0xE2) < 6 for r, g, b in colours)  # red banner
