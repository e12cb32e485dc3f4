"""Clinic isolation: another clinic's user gets 404 (or 403), never data, for every resource."""

from __future__ import annotations

import io

import pytest
from web_helpers import DEMO_CASE, Signed, png_bytes


@pytest.fixture
def north_records(north: Signed) -> dict[str, int]:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Private Patient", "birth_year": 1980}).json()[
        "id"
    ]
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()
    media = north.api(
        "POST",
        f"/api/v1/assessments/{draft['id']}/media",
        data={"view": "left"},
        files={"file": ("side.png", io.BytesIO(png_bytes()), "image/png")},
    )
    assert media.status_code == 201, media.text
    return {"patient": pid, "assessment": done["id"], "draft": draft["id"], "media": media.json()["id"]}


def test_other_clinic_gets_404_for_every_read(south: Signed, north_records: dict[str, int]) -> None:
    r = north_records
    urls = [
        f"/api/v1/patients/{r['patient']}",
        f"/api/v1/patients/{r['patient']}/assessments",
        f"/api/v1/assessments/{r['assessment']}",
        f"/api/v1/assessments/{r['assessment']}/plan",
        f"/api/v1/assessments/{r['draft']}/media",
        f"/api/v1/media/{r['media']}",
        f"/api/v1/patients/{r['patient']}/progress",
        f"/patients/{r['patient']}",
        f"/assessments/{r['assessment']}",
        f"/assessments/{r['assessment']}/plan",
        f"/assessments/{r['draft']}/pain",
        f"/assessments/{r['draft']}/tests",
        f"/media/{r['media']}/file",
        f"/media/{r['media']}/landmarks",
        f"/patients/{r['patient']}/progress",
    ]
    for url in urls:
        res = south.client.get(url, follow_redirects=False)
        assert res.status_code == 404, url
        assert "Private Patient" not in res.text and "hip_ir_prone" not in res.text, url
    assert south.client.get("/api/v1/patients").json() == []


def test_other_clinic_gets_404_for_every_write(south: Signed, north_records: dict[str, int]) -> None:
    r = north_records
    assert (
        south.api("POST", f"/api/v1/patients/{r['patient']}/assessments", json={"case": DEMO_CASE}).status_code == 404
    )
    assert south.api("PUT", f"/api/v1/assessments/{r['draft']}/case", json={"case": DEMO_CASE}).status_code == 404
    assert south.api("POST", f"/api/v1/assessments/{r['draft']}/complete").status_code == 404
    assert (
        south.api("POST", f"/api/v1/assessments/{r['assessment']}/release", json={"released": True}).status_code == 404
    )
    assert south.api("POST", f"/api/v1/patients/{r['patient']}/links").status_code == 404
    assert (
        south.api(
            "PUT", f"/api/v1/media/{r['media']}/landmarks", json={"points": [{"name": "nose", "x": 0.5, "y": 0.5}]}
        ).status_code
        == 404
    )
    upload = south.api(
        "POST",
        f"/api/v1/assessments/{r['draft']}/media",
        data={"view": "left"},
        files={"file": ("x.png", io.BytesIO(png_bytes()), "image/png")},
    )
    assert upload.status_code == 404
    assert south.form(f"/assessments/{r['draft']}/complete").status_code == 404
    assert south.form(f"/assessments/{r['assessment']}/reassess").status_code == 404
