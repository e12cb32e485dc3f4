"""Issue 11: the web app fills the case identity (visit date, assessor, clinic, patient name) into the stored case,
and the PDF downloaded from the web names the patient."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from web_helpers import DEMO_CASE, Signed

pytest.importorskip("weasyprint")


def _case_without_identity() -> dict[str, Any]:
    case = {k: v for k, v in DEMO_CASE.items() if k != "assessment"}
    case["patient"] = {k: v for k, v in DEMO_CASE["patient"].items() if k not in ("id", "name")}
    return case


def test_web_fills_identity_and_the_pdf_shows_the_patient(north: Signed, tmp_path: Path) -> None:
    res = north.api("POST", "/api/v1/patients",
                    json={"display_name": "Grace Hopper", "reference": "R-77", "birth_year": 1985})
    assert res.status_code == 201, res.text
    pid = res.json()["id"]
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": _case_without_identity()})
    assert done.status_code == 201, done.text
    stored = north.api("GET", f"/api/v1/assessments/{done.json()['id']}").json()["case"]
    assert stored["schema"] == "kinetrace.case/2"
    assert stored["assessment"]["date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert stored["assessment"]["assessor"] == "Nick Doc"  # the signed-in user
    assert stored["assessment"]["clinic"] == "North"  # the user's clinic
    assert stored["patient"]["name"] == "Grace Hopper"

    pdf = north.client.get(f"/assessments/{done.json()['id']}/report.pdf")
    assert pdf.status_code == 200, pdf.text[:200]
    assert pdf.content.startswith(b"%PDF")
    path = tmp_path / "web.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "Grace Hopper" in text
    assert "Nick Doc" in text
    assert "unnamed case" not in text
