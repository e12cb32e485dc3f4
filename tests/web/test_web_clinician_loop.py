"""Issue 12, clinician in the loop (HTTP level): chain drawing and ranking reasons, side-aware shading, plan
editing and approval before release, the patient's view, completion rules, landmark review, media deletion,
the self-screen inbox, released results outliving the link, and a missing age asked for."""

from __future__ import annotations

import copy
import io
import re
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from web_helpers import DEMO_CASE, Signed, png_bytes


def _patient(s: Signed, **extra: Any) -> int:
    body = {"display_name": "Loop Patient", "birth_year": 1980, "sex": "female", **extra}
    return int(s.api("POST", "/api/v1/patients", json=body).json()["id"])


def _assessment(s: Signed, case: dict[str, Any], *, complete: bool = True) -> int:
    pid = _patient(s)
    res = s.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": case, "complete": complete})
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def test_the_chain_drawing_shows_every_ranked_path_and_each_item_says_why(north: Signed) -> None:
    aid = _assessment(north, DEMO_CASE)
    result = north.client.get(f"/api/v1/assessments/{aid}").json()["result"]
    page = north.client.get(f"/assessments/{aid}").text
    drawn = re.findall(r'class="chain (?:local )?c\d" data-item="([^"]+)"', page)
    expected = [item["id"] for item in result["ranking"][:8] for _ in item.get("paths", [])]
    assert sorted(drawn) == sorted(expected) and drawn
    assert "No ranked item has a chain" not in page
    for item in result["ranking"][:5]:
        why = re.search(rf'id="why-{item["id"]}">(.*?)</span>', page, re.S)
        assert why and "probability" in why.group(1), item["id"]
    second = result["ranking"][1]
    assert f"below {result['ranking'][0]['name']}" in page.split(f'id="why-{second["id"]}"')[1][:600]


def test_a_path_inside_the_painful_area_is_drawn_as_a_ring_not_dropped(north: Signed, kb: Any) -> None:
    from kinetrace.web.view import chain_drawing

    local = {
        "ranking": [
            {
                "id": "x",
                "name": "X",
                "probability": 0.8,
                "paths": [{"nodes": ["lumbar"], "region": "lumbar", "grade": "C"}],
            }
        ]
    }
    drawings = chain_drawing(local, kb)
    assert len(drawings) == 1 and drawings[0]["kind"] == "local"


def test_left_sided_pain_shades_only_the_left_side(north: Signed) -> None:
    case = copy.deepcopy(DEMO_CASE)
    case["pain"] = [{"region": "scapulothoracic", "side": "left", "intensity": 5, "duration_weeks": 8}]
    aid = _assessment(north, case)
    svg = north.client.get(f"/assessments/{aid}").text.split('id="chain-svg"')[1].split("</svg>")[0]
    shaded = re.findall(r'<ellipse class="pain" cx="([\d.]+)"', svg)
    # Back view: the patient's left is on the viewer's left (x < 100).
    assert shaded and all(float(x) < 100 for x in shaded)


def _approve(s: Signed, aid: int, items: list[dict[str, Any]], **extra: Any) -> Any:
    return s.api("PUT", f"/api/v1/assessments/{aid}/plan", json={"items": items, "approve": True, **extra})


def test_the_plan_is_edited_and_approved_before_release_and_the_patient_sees_the_edit(north: Signed) -> None:
    aid = _assessment(north, DEMO_CASE)
    plan = north.client.get(f"/api/v1/assessments/{aid}/plan").json()
    assert plan["is_approved"] is False and len(plan["items"]) >= 2
    page = north.form(f"/assessments/{aid}/release", {"released": "yes"})
    assert page.status_code == 409  # not approved yet
    # Seen before the edit (the pages keep rendered parts per version, so the edit must show up below).
    before = north.client.get(f"/assessments/{aid}/release").text.split('id="patient-preview"')[1]
    first = f'data-intervention="{plan["items"][0]["intervention_id"]}"'  # named in patient words, not the clinician's
    assert first in before and "Twice a day" not in before
    assert '<option value="cbt_informed_component">' in north.client.get(f"/assessments/{aid}/plan/edit").text
    kept = plan["items"][1]
    edits = [
        {"intervention_id": kept["intervention_id"], "dosage": "Twice a day", "clinician_note": "Slowly."},
        {"intervention_id": "no_such_intervention"},
    ]
    bad = _approve(north, aid, edits)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "items[1].intervention_id"
    res = north.form(
        f"/assessments/{aid}/plan",
        {
            "keep__1": "yes",
            "dosage__1": "Twice a day",
            "note__1": "Slowly.",
            "add": "cbt_informed_component",
            "clinician_note": "See you in two weeks.",
            "action": "approve",
            "version": str(plan["version"]),
        },
    )
    assert res.status_code == 303 and res.headers["location"] == f"/assessments/{aid}/release"
    preview = north.client.get(f"/assessments/{aid}/release").text
    assert "Twice a day" in preview and "See you in two weeks." in preview and 'id="confirm-release"' in preview
    assert first not in preview.split('id="patient-preview"')[1]
    assert '<option value="cbt_informed_component">' not in north.client.get(f"/assessments/{aid}/plan/edit").text
    stale = north.form(
        f"/assessments/{aid}/plan", {"keep__0": "yes", "action": "save", "version": str(plan["version"])}
    )
    assert stale.status_code == 422 and "changed elsewhere" in stale.text
    assert north.form(f"/assessments/{aid}/release", {"released": "yes"}).status_code == 303
    assert 'id="released"' in north.client.get(f"/assessments/{aid}/release").text
    locked = _approve(north, aid, [{"intervention_id": kept["intervention_id"]}])
    assert locked.status_code == 409  # released plans are withdrawn before editing


def test_completion_needs_red_flags_and_a_finding_or_a_reason(north: Signed, kb: Any) -> None:
    pid = _patient(north)
    aid = int(north.form(f"/patients/{pid}/assessments").headers["location"].split("/")[2])
    north.form(f"/assessments/{aid}/pain", {"pain__lumbar__central": "1", "intensity__lumbar": "5"})
    no_flags = north.form(f"/assessments/{aid}/complete")
    assert no_flags.status_code == 422 and 'id="err-red_flags"' in no_flags.text
    north.form(f"/assessments/{aid}/red-flags", {f"rf__{q}": "no" for q in kb.questions})
    no_tests = north.form(f"/assessments/{aid}/complete")
    assert no_tests.status_code == 422 and 'id="err-no_tests_reason"' in no_tests.text
    done = north.form(f"/assessments/{aid}/complete", {"no_tests_reason": "Acute pain; tests next visit."})
    assert done.status_code == 303
    case = north.client.get(f"/api/v1/assessments/{aid}").json()["case"]
    assert "No tests done: Acute pain; tests next visit." in case["notes"]


def test_a_missing_birth_year_is_asked_for_never_assumed(north: Signed) -> None:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "No Year"}).json()["id"]
    aid = int(north.form(f"/patients/{pid}/assessments").headers["location"].split("/")[2])
    draft = north.client.get(f"/api/v1/assessments/{aid}").json()["case"]
    assert "age" not in draft["patient"]
    assert 'id="age-missing"' in north.client.get(f"/assessments/{aid}/pain").text
    res = north.form(f"/assessments/{aid}/pain", {"pain__lumbar__central": "1"})
    assert res.status_code == 422 and 'id="err-age"' in res.text
    ok = north.form(f"/assessments/{aid}/pain", {"pain__lumbar__central": "1", "age": "67"})
    assert ok.status_code == 303
    assert north.client.get(f"/api/v1/assessments/{aid}").json()["case"]["patient"]["age"] == 67


def test_media_can_be_deleted_with_an_audit_line_and_photo_findings_wait_for_review(
    north: Signed, north_admin: Signed, app: FastAPI
) -> None:
    aid = _assessment(north, DEMO_CASE, complete=False)
    files = {"file": ("p.png", io.BytesIO(png_bytes()), "image/png")}
    media = north.api("POST", f"/api/v1/assessments/{aid}/media", data={"view": "front"}, files=files).json()
    assert north.api("POST", f"/api/v1/media/{media['id']}/review").status_code == 409  # not analysed yet
    page = north.client.get(f"/assessments/{aid}/photos").text
    assert f'id="delete-media-{media["id"]}"' in page and "data-confirm" in page
    assert north.form(f"/media/{media['id']}/delete").status_code == 303
    assert north.client.get(f"/api/v1/media/{media['id']}").status_code == 404
    assert not (app.state.kt.uploads_dir / "x").exists() and not [
        p for p in app.state.kt.uploads_dir.iterdir() if p.is_file()
    ]
    audit = north_admin.client.get("/api/v1/audit").json()
    assert any(a["action"] == "delete" and a["resource"] == "media" and a["resource_id"] == media["id"] for a in audit)


def test_unreviewed_photo_findings_stay_out_of_the_result(north: Signed, app: FastAPI, kb: Any) -> None:
    from kinetrace.storage import Scope
    from kinetrace.storage import media as media_repo

    aid = _assessment(north, DEMO_CASE, complete=False)
    files = {"file": ("p.png", io.BytesIO(png_bytes()), "image/png")}
    mid = north.api("POST", f"/api/v1/assessments/{aid}/media", data={"view": "front"}, files=files).json()["id"]
    scope = Scope(north.clinic_id, north.user_id)
    test_id = next(t for t in kb.tests if t not in DEMO_CASE["findings"])
    finding = {test_id: {"value": 40.0, "unit": "deg", "method": "front_photo"}}
    with app.state.kt.sessions.begin() as db:
        assert media_repo.claim_for_analysis(db, mid)
        media_repo.save_analysis(
            db, mid, landmarks={"points": [], "width": 8, "height": 8}, findings=finding, warnings=[]
        )
    assert "landmarks not reviewed" in north.client.get(f"/assessments/{aid}/photos").text
    north.form(f"/assessments/{aid}/complete")
    case = north.client.get(f"/api/v1/assessments/{aid}").json()["case"]
    assert test_id not in case["findings"]
    del scope


def test_self_screens_reach_the_inbox_ordered_by_triage_and_flagged_until_acknowledged(north: Signed, kb: Any) -> None:
    pid = _patient(north)
    tokens = [north.api("POST", f"/api/v1/patients/{pid}/links").json()["url"].rsplit("/", 1)[1] for _ in range(2)]
    answers = {f"rf__{q}": "no" for q in kb.questions}
    for token, emergency in zip(tokens, (False, True), strict=True):
        north.client.get(f"/s/{token}")
        form = {"pain__lumbar__central": "1", "intensity__lumbar": "4", **answers}
        if emergency:
            form["rf__saddle_numbness"] = "yes"
        assert north.form(f"/s/{token}", form).status_code == 200
    north.client.app.state.kt.inbox_alerts.forget(north.clinic_id)
    inbox = north.client.get("/api/v1/inbox").json()
    assert [i["is_flagged"] for i in inbox] == [True, False]
    assert inbox[0]["action_level"] in ("emergency_referral", "urgent_referral")
    assert inbox[1]["action_level"] and inbox[1]["status"] == "draft"
    assert 'id="inbox-alert"' in north.client.get("/patients").text
    assert north.api("POST", f"/api/v1/inbox/{inbox[0]['assessment_id']}/acknowledge").status_code == 204
    assert 'id="inbox-alert"' not in north.client.get("/patients").text


def test_released_results_stay_readable_after_the_link_expires(north: Signed, app: FastAPI, kb: Any) -> None:
    from sqlalchemy import update

    from kinetrace.storage import utcnow
    from kinetrace.storage.tables import AssessmentRow, ScreenLinkRow

    pid = _patient(north)
    token = north.api("POST", f"/api/v1/patients/{pid}/links").json()["url"].rsplit("/", 1)[1]
    north.client.get(f"/s/{token}")
    answers = {f"rf__{q}": "no" for q in kb.questions}
    north.form(f"/s/{token}", {"pain__lumbar__central": "1", "intensity__lumbar": "4", **answers})
    aid = north.client.get("/api/v1/inbox").json()[0]["assessment_id"]
    north.form(f"/assessments/{aid}/red-flags", answers)
    north.form(f"/assessments/{aid}/complete", {"no_tests_reason": "phone consultation"})
    items = north.client.get(f"/api/v1/assessments/{aid}/plan").json()["items"]
    _approve(north, aid, [{"intervention_id": i["intervention_id"], "dosage": i["dosage"]} for i in items])
    assert north.form(f"/assessments/{aid}/release", {"released": "yes"}).status_code == 303
    with app.state.kt.sessions.begin() as db:  # the link's 72 h are long gone
        db.execute(update(ScreenLinkRow).values(expires_at=utcnow() - timedelta(days=1)))
    page = north.client.get(f"/s/{token}/result")
    assert page.status_code == 200 and 'id="patient-plan"' in page.text
    with app.state.kt.sessions.begin() as db:  # the release itself is older than result_valid_days
        db.execute(
            update(AssessmentRow).where(AssessmentRow.id == aid).values(released_at=utcnow() - timedelta(days=400))
        )
    assert 'id="not-released"' in north.client.get(f"/s/{token}/result").text


def test_demo_patients_agree_with_their_demo_assessments(tmp_path: Any, kb: Any) -> None:
    from kinetrace.storage import Scope, utcnow
    from kinetrace.storage import assessments as assessment_repo
    from kinetrace.storage import patients as patient_repo
    from kinetrace.web.app import create_app
    from kinetrace.web.config import WebSettings
    from kinetrace.web.demo import seed_demo

    state = create_app(WebSettings(data_dir=tmp_path / "demo", secret_key="k"), kb=kb).state.kt
    seed_demo(state.sessions, kb)
    with state.sessions() as db:
        scope = Scope(1)
        for patient in patient_repo.search_patients(db, scope):
            for record in assessment_repo.list_assessments(db, scope, patient.id):
                facts = record.case_data["patient"]
                assert facts["sex"] == patient.sex, patient.display_name
                assert facts["age"] == utcnow().year - (patient.birth_year or 0), patient.display_name
    state.engine.dispose()


def test_tests_start_with_the_next_best_test_and_the_painful_region(north: Signed, kb: Any) -> None:
    pid = _patient(north)
    aid = int(north.form(f"/patients/{pid}/assessments").headers["location"].split("/")[2])
    north.form(f"/assessments/{aid}/pain", {"pain__lumbar__central": "1", "intensity__lumbar": "6"})
    north.form(f"/assessments/{aid}/red-flags", {f"rf__{q}": "no" for q in kb.questions})
    page = north.client.get(f"/assessments/{aid}/tests").text
    first = page.split('id="tests-first"')[1].split("</details>")[0]
    tests_in_first = re.findall(r'id="test-([a-z0-9_]+)"', first)
    assert tests_in_first and 'id="next-best-test"' in first.split(f'id="test-{tests_in_first[1]}"')[0]
    regions = re.findall(r"<summary><h2>([^<]+) <span", page.split("</details>", 1)[1])
    assert regions[0].strip() == kb.regions["lumbar"].name


def test_a_reassessment_starts_from_the_previous_values_each_confirmed_or_changed(north: Signed) -> None:
    aid = _assessment(north, DEMO_CASE)
    new = int(north.form(f"/assessments/{aid}/reassess").headers["location"].split("/")[2])
    page = north.client.get(f"/assessments/{new}/tests").text
    assert 'id="carried-banner"' in page and 'id="confirm__hip_ir_prone"' in page
    before = DEMO_CASE["findings"]["hip_ir_prone"]
    assert f'value="{before["right"]}"' in page.split('id="test-hip_ir_prone"')[1].split("</fieldset>")[0]
    same = {"t__hip_ir_prone__left": str(before["left"]), "t__hip_ir_prone__right": str(before["right"])}
    unconfirmed = north.form(f"/assessments/{new}/tests", same)
    assert unconfirmed.status_code == 422 and 'id="confirm__hip_ir_prone"' in unconfirmed.text
    assert 'aria-invalid="true"' in unconfirmed.text.split('id="confirm__hip_ir_prone"')[1][:200]
    confirmed = north.form(f"/assessments/{new}/tests", {**same, "confirm__hip_ir_prone": "yes"})
    assert confirmed.status_code == 303
    changed = north.form(f"/assessments/{new}/tests", {**same, "t__hip_ir_prone__right": "31"})
    assert changed.status_code == 303


def test_progress_plots_pain_and_draws_an_improvement_as_better_not_red(north: Signed) -> None:
    pid = _patient(north)
    later = copy.deepcopy(DEMO_CASE)
    later["findings"]["hip_ir_prone"] = {"left": 37, "right": 30, "unit": "deg", "method": "goniometer"}
    for entry in later["pain"]:
        entry["intensity"] = max(0, int(entry["intensity"]) - 3)
    for case in (DEMO_CASE, later):
        assert north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": case}).status_code == 201
    page = north.client.get(f"/patients/{pid}/progress").text
    hip = page.split('id="plot-hip_ir_prone-right"')[1].split("</figure>")[0]
    assert re.search(r'class="pt real better"', hip) and "worse" not in re.findall(r'class="pt ([^"]*)"', hip)[-1]
    region = DEMO_CASE["pain"][0]["region"]
    pain = page.split(f'id="plot-pain_{region}-value"')[1].split("</figure>")[0]
    values = re.findall(r"<text[^>]*>([\d.]+)</text>", pain)
    assert values == [str(DEMO_CASE["pain"][0]["intensity"]), str(later["pain"][0]["intensity"])]


def test_the_patient_list_pages_sorts_filters_and_shows_last_visit(north: Signed) -> None:
    ids = [_patient(north, display_name=f"Pager {i:02d}") for i in range(30)]
    north.api("POST", f"/api/v1/patients/{ids[3]}/assessments", json={"case": DEMO_CASE})
    first = north.client.get("/patients", params={"q": "pager"}).text
    assert "30 patients · page 1 of 2" in first and 'id="next-page"' in first
    rows = re.findall(r'<a href="/patients/(\d+)">', first.split('id="patient-rows"')[1])
    assert len(rows) == 25 and int(rows[0]) == ids[3]  # sorted by last visit: the one with a visit first
    second = north.client.get("/patients", params={"q": "pager", "page": 2}).text
    assert len(re.findall(r'<a href="/patients/(\d+)">', second.split('id="patient-rows"')[1])) == 5
    by_name = north.client.get("/patients", params={"q": "pager", "sort": "name"}).text
    assert re.findall(r">(Pager \d\d)<", by_name)[:2] == ["Pager 00", "Pager 01"]
    assert north.form(f"/patients/{ids[0]}/archive", {"archived": "yes"}).status_code == 303
    assert "29 patients" in north.client.get("/patients", params={"q": "pager"}).text
    archived = north.client.get("/patients", params={"q": "pager", "status": "archived"}).text
    assert "1 patient ·" in archived and "Pager 00" in archived
    assert north.client.get("/patients", params={"page": 0}).status_code == 422


def test_erasure_needs_an_export_first_and_removes_every_record(north_admin: Signed, app: FastAPI) -> None:
    pid = _patient(north_admin)
    aid = north_admin.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False})
    draft = aid.json()["id"]
    files = {"file": ("p.png", io.BytesIO(png_bytes()), "image/png")}
    north_admin.api("POST", f"/api/v1/assessments/{draft}/media", data={"view": "front"}, files=files)
    north_admin.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE})
    early = north_admin.form(f"/patients/{pid}/erase", {"confirm": "ERASE"})
    assert early.status_code == 409 and "export" in early.text.lower()
    export = north_admin.client.get(f"/patients/{pid}/export")
    assert export.status_code == 200 and len(export.json()["assessments"]) == 2
    assert north_admin.form(f"/patients/{pid}/erase", {"confirm": "yes"}).status_code == 422
    assert north_admin.form(f"/patients/{pid}/erase", {"confirm": "ERASE"}).status_code == 303
    assert north_admin.client.get(f"/api/v1/patients/{pid}").status_code == 404
    assert north_admin.client.get(f"/api/v1/assessments/{draft}").status_code == 404
    assert [p for p in app.state.kt.uploads_dir.iterdir() if p.is_file()] == []
    audit = north_admin.client.get("/api/v1/audit").json()
    assert {"export", "erase"} <= {a["action"] for a in audit if a["resource"] == "patient" and a["resource_id"] == pid}


def test_a_draft_can_be_deleted_but_a_finished_assessment_cannot(north: Signed) -> None:
    draft = _assessment(north, DEMO_CASE, complete=False)
    done = _assessment(north, DEMO_CASE)
    assert north.form(f"/assessments/{done}/delete").status_code == 409
    assert north.form(f"/assessments/{draft}/delete").status_code == 303
    assert north.client.get(f"/api/v1/assessments/{draft}").status_code == 404
