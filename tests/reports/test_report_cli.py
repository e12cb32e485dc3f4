"""`kinetrace report`: the demo case to clinician and patient PDFs; results and reassessment; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinetrace.cli.app import main
from kinetrace.demo_cases import demo_case_path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def test_report_writes_clinician_and_patient_pdfs_of_the_demo_case(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for audience in ("clinician", "patient"):
        out = tmp_path / f"{audience}.pdf"
        code, err = _run(["report", str(demo_case_path()), "--pdf", str(out), "--audience", audience], capsys)
        assert code == 0, err
        assert out.read_bytes().startswith(b"%PDF-") and f"wrote {out}" in err
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_report_from_a_saved_result_with_a_previous_visit_and_html(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    result = tmp_path / "visit.json"
    assert _run(["assess", str(demo_case_path()), "--format", "json", "--out", str(result)], capsys)[0] == 0
    assert json.loads(result.read_text())["schema"] == "kinetrace.assessment/1"
    html = tmp_path / "progress.html"
    code, err = _run(["report", str(result), "--previous", str(demo_case_path()), "--html", str(html)], capsys)
    assert code == 0, err
    text = html.read_text()
    assert "Reassessment report" in text and "within measurement error" in text


def test_report_without_an_output_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["report", str(demo_case_path())], capsys)
    assert code == 2 and err.startswith("Error: --pdf:") and "Traceback" not in err


def test_report_of_a_missing_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["report", str(tmp_path / "nope.yaml"), "--pdf", str(tmp_path / "x.pdf")], capsys)
    assert code == 2 and "nope.yaml" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_report_embeds_the_annotated_photo_named_by_a_finding(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    Image.new("RGB", (1200, 1600), (200, 180, 160)).save(tmp_path / "side.jpg")
    Image.new("RGB", (1200, 1600), (20, 120, 200)).save(tmp_path / "side_posture.jpg")
    case = tmp_path / "case.yaml"
    text = demo_case_path().read_text().replace("photo:demo_side.jpg", "photo:side.jpg")
    case.write_text(text)
    html = tmp_path / "r.html"
    code, err = _run(["report", str(case), "--html", str(html), "--audience", "patient"], capsys)
    assert code == 0, err
    page = html.read_text()
    assert page.count("data:image/jpeg;base64,") == 1  # the annotated copy, not the raw photo as well
    assert "side.jpg, annotated (Craniovertebral angle" in page
