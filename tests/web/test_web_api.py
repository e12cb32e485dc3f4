"""The JSON API: patients, assessments, uploads, plan, release, progress, OpenAPI and the error shape."""

from __future__ import annotations

import io

from fastapi import FastAPI
from web_helpers import DEMO_CASE, Signed, png_bytes


def _patient(s: Signed, name: str = "Ada Lovelace") -> int:
    res = s.api("POST", "/api/v1/patients", json={"display_name": name, "reference": "R-1", "birth_year": 1985})
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def _is_error_shape(body: dict) -> bool:  # type: ignore[type-arg]
    return (
        body.get("ok") is False
        and all({"field", "message"} <= set(e) for e in body.get("errors", []))
        and bool(body["errors"])
    )


def test_every_error_response_has_the_canonical_shape(north: Signed) -> None:
    pid = _patient(north)
    responses = [
        north.api("GET", "/api/v1/patients/999999"),  # 404
        north.api("POST", "/api/v1/patients", json={"display_name": ""}),  # FastAPI validation → 422
        north.api("POST", "/api/v1/patients", json={"display_name": "X", "birth_year": 1700}),  # InputError
        north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": {"patient": {"age": 300}}}),
        north.api("GET", "/api/v1/no-such-endpoint"),
        north.client.post("/api/v1/patients", json={"display_name": "X"}),  # CSRF 403
    ]
    assert [r.status_code for r in responses] == [404, 422, 422, 422, 404, 403]
    for r in responses:
        assert _is_error_shape(r.json()), r.text


def test_input_errors_name_the_field(north: Signed) -> None:
    pid = _patient(north)
    res = north.api(
        "POST",
        f"/api/v1/patients/{pid}/assessments",
        json={"case": {**DEMO_CASE, "pain": [{**DEMO_CASE["pain"][0], "intensity": 12}]}},
    )
    assert res.status_code == 422
    assert any("intensity" in e["field"] or "intensity" in e["message"] for e in res.json()["errors"])


def test_patients_are_created_searched_and_read(north: Signed) -> None:
    pid = _patient(north)
    _patient(north, "Grace Hopper")
    found = north.api("GET", "/api/v1/patients", params={"q": "lovel"}).json()
    assert [p["id"] for p in found] == [pid]
    assert north.api("GET", f"/api/v1/patients/{pid}").json()["display_name"] == "Ada Lovelace"


def test_an_assessment_is_stored_with_its_result_and_knowledge_base_version(north: Signed, kb) -> None:  # type: ignore[no-untyped-def]
    pid = _patient(north)
    res = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE})
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["status"] == "complete" and body["kb_version"] == kb.version
    assert body["result"]["schema"] == "kinetrace.assessment/1"
    assert body["result"]["triage"]["action"] == body["action_level"]
    again = north.api("GET", f"/api/v1/assessments/{body['id']}").json()
    assert again["result"] == body["result"]
    plan = north.api("GET", f"/api/v1/assessments/{body['id']}/plan").json()
    assert plan["items"] == body["result"]["plan"]


def test_a_finished_assessment_cannot_be_edited_and_stale_drafts_conflict(north: Signed) -> None:
    pid = _patient(north)
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()
    res = north.api("PUT", f"/api/v1/assessments/{done['id']}/case", json={"case": DEMO_CASE})
    assert res.status_code == 409 and _is_error_shape(res.json())
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()
    ok = north.api("PUT", f"/api/v1/assessments/{draft['id']}/case", json={"case": DEMO_CASE, "version": 1})
    assert ok.status_code == 200
    stale = north.api("PUT", f"/api/v1/assessments/{draft['id']}/case", json={"case": DEMO_CASE, "version": 1})
    assert stale.status_code == 409


def test_uploads_are_checked_by_content_and_size(north: Signed, app: FastAPI) -> None:
    pid = _patient(north)
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()
    url = f"/api/v1/assessments/{draft['id']}/media"
    fake = north.api(
        "POST",
        url,
        data={"view": "left"},
        files={"file": ("photo.jpg", io.BytesIO(b"<html>not an image</html>"), "image/jpeg")},
    )
    assert fake.status_code == 422 and "JPEG or PNG" in fake.json()["errors"][0]["message"]
    bad_view = north.api(
        "POST", url, data={"view": "top"}, files={"file": ("a.png", io.BytesIO(png_bytes()), "image/png")}
    )
    assert bad_view.status_code == 422 and bad_view.json()["errors"][0]["field"] == "view"
    limit = app.state.kt.settings.max_upload_mb << 20
    just_over = png_bytes() + b"\0" * limit  # declared size within the form allowance: checked while copying
    res = north.api("POST", url, data={"view": "left"}, files={"file": ("big.png", io.BytesIO(just_over), "image/png")})
    assert res.status_code == 422 and "at most" in res.json()["errors"][0]["message"]
    far_over = png_bytes() + b"\0" * (2 * limit)  # rejected from Content-Length before the body is read
    res = north.api("POST", url, data={"view": "left"}, files={"file": ("big.png", io.BytesIO(far_over), "image/png")})
    assert res.status_code == 413 and _is_error_shape(res.json())
    good = north.api(
        "POST", url, data={"view": "left"}, files={"file": ("a.png", io.BytesIO(png_bytes()), "image/png")}
    )
    assert good.status_code == 201 and good.json()["content_type"] == "image/png"
    stored = sorted(p.name for p in app.state.kt.uploads_dir.iterdir())
    assert len(stored) == 1 and not stored[0].endswith(".part")  # rejected uploads leave nothing behind


def test_landmark_edits_are_range_checked_and_stored(north: Signed) -> None:
    pid = _patient(north)
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()
    media = north.api(
        "POST",
        f"/api/v1/assessments/{draft['id']}/media",
        data={"view": "left"},
        files={"file": ("a.png", io.BytesIO(png_bytes()), "image/png")},
    ).json()
    bad = north.api(
        "PUT", f"/api/v1/media/{media['id']}/landmarks", json={"points": [{"name": "nose", "x": 2, "y": 0}]}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "points[0]"
    ok = north.api(
        "PUT", f"/api/v1/media/{media['id']}/landmarks", json={"points": [{"name": "nose", "x": 0.4, "y": 0.2}]}
    )
    assert ok.status_code == 200 and ok.json()["edited_landmarks"]["points"][0]["provenance"] == "edited"


def test_release_and_progress_across_reassessment(north: Signed) -> None:
    pid = _patient(north)
    first = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()
    later_case = {
        **DEMO_CASE,
        "findings": {
            **DEMO_CASE["findings"],
            "hip_ir_prone": {"left": 37, "right": 30, "unit": "deg", "method": "goniometer"},
        },
    }
    north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": later_case})
    # Issue 12: a plan is released only after the clinician approved it.
    url = f"/api/v1/assessments/{first['id']}/release"
    assert north.api("POST", url, json={"released": True}).status_code == 409
    plan = north.client.get(f"/api/v1/assessments/{first['id']}/plan").json()
    items = [{"intervention_id": i["intervention_id"], "dosage": i["dosage"]} for i in plan["items"]]
    approved = north.api("PUT", f"/api/v1/assessments/{first['id']}/plan", json={"items": items, "approve": True})
    assert approved.status_code == 200 and approved.json()["is_approved"] is True
    released = north.api("POST", url, json={"released": True}).json()
    assert released["is_released"] is True
    progress = north.api("GET", f"/api/v1/patients/{pid}/progress").json()
    changes = {(c["test_id"], c["part"]): c for c in progress["comparisons"][0]["changes"]}
    # Right hip IR 19° → 30°: an 11° gain, beyond the goniometer's error band, so it counts as real.
    assert changes[("hip_ir_prone", "right")]["verdict"] == "improved"
    assert changes[("hip_ir_prone", "left")]["verdict"] in ("within_measurement_error", "unchanged")


def test_openapi_documents_the_api(north: Signed) -> None:
    # Issue 12: the schema and docs need a signed-in user (see test_web_security.py).
    paths = north.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/session",
        "/api/v1/patients",
        "/api/v1/patients/{patient_id}/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/media/{media_id}",
        "/api/v1/patients/{patient_id}/links",
        "/api/v1/patients/{patient_id}/progress",
        "/api/v1/audit",
    ):
        assert path in paths, path
    assert not any(p.startswith("/assessments/") for p in paths)  # pages stay out of the API schema


def test_api_docs_work_offline(north: Signed) -> None:
    # Issue 12: /docs needs a signed-in user.
    c = north.client
    page = c.get("/docs").text
    assert "/docs-static/swagger-ui-bundle.js" in page and "cdn." not in page
    assert c.get("/docs-static/swagger-ui-bundle.js").status_code == 200
