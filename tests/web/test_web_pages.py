"""Server-rendered pages: the whole wizard by forms, the red-flag stop, results, plan, progress, self-screen."""

from __future__ import annotations

import io
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import DEMO_CASE, Signed, csrf_of, png_bytes


def _new_patient(s: Signed) -> int:
    res = s.form("/patients", {"display_name": "Wendy Wizard", "birth_year": "1983", "sex": "female"})
    assert res.status_code == 303, res.text
    return int(res.headers["location"].rsplit("/", 1)[1])


def _start(s: Signed, pid: int) -> int:
    res = s.form(f"/patients/{pid}/assessments")
    assert res.status_code == 303 and res.headers["location"].endswith("/pain")
    return int(res.headers["location"].split("/")[2])


def _all_no(kb) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f"rf__{qid}": "no" for qid in kb.questions}


def test_patient_form_errors_appear_beside_the_field_with_input_kept(north: Signed) -> None:
    res = north.form("/patients", {"display_name": "Kept Name", "birth_year": "18x"})
    assert res.status_code == 422
    assert 'id="err-birth_year"' in res.text and 'value="Kept Name"' in res.text


def test_search_page_and_partial(north: Signed) -> None:
    _new_patient(north)
    page = north.client.get("/patients", params={"q": "wendy"})
    assert page.status_code == 200 and "Wendy Wizard" in page.text
    partial = north.client.get("/patients", params={"q": "nobody"}, headers={"X-Partial": "1"})
    assert "<html" not in partial.text and "No patients found" in partial.text


def test_the_whole_wizard_ends_in_a_stored_result(north: Signed, kb) -> None:  # type: ignore[no-untyped-def]
    pid = _new_patient(north)
    aid = _start(north, pid)
    pain_page = north.client.get(f"/assessments/{aid}/pain")
    assert pain_page.status_code == 200 and 'data-key="pain__lumbar__central"' in pain_page.text
    empty = north.form(f"/assessments/{aid}/pain", {})
    assert empty.status_code == 422 and 'id="err-pain"' in empty.text
    res = north.form(
        f"/assessments/{aid}/pain",
        {
            "pain__lumbar__central": "1",
            "intensity__lumbar": "6",
            "weeks__lumbar": "12",
            "aggravating__lumbar": "golf swing",
        },
    )
    assert res.headers["location"].endswith("/red-flags")
    rf_page = north.client.get(f"/assessments/{aid}/red-flags")
    assert "saddle" in rf_page.text.lower()
    res = north.form(f"/assessments/{aid}/red-flags", _all_no(kb))
    assert res.headers["location"].endswith("/tests")
    tests_page = north.client.get(f"/assessments/{aid}/tests")
    assert "Normal:" in tests_page.text and "t__hip_ir_prone__left" in tests_page.text
    out_of_range = north.form(f"/assessments/{aid}/tests", {"t__hip_ir_prone__left": "500"})
    assert out_of_range.status_code == 422 and "hip_ir_prone" in out_of_range.text
    res = north.form(f"/assessments/{aid}/tests", {"t__hip_ir_prone__left": "37", "t__hip_ir_prone__right": "19"})
    assert res.headers["location"].endswith("/photos")
    up = north.client.post(
        f"/assessments/{aid}/media",
        data={"csrf_token": north.csrf, "view": "left"},
        files={"file": ("side.png", io.BytesIO(png_bytes()), "image/png")},
        follow_redirects=False,
    )
    assert up.status_code == 303
    assert "Left photo" in north.client.get(f"/assessments/{aid}/photos").text
    assert "Complete assessment" in north.client.get(f"/assessments/{aid}/review").text
    res = north.form(f"/assessments/{aid}/complete")
    assert res.headers["location"] == f"/assessments/{aid}"
    page = north.client.get(f"/assessments/{aid}")
    assert page.status_code == 200 and 'id="triage"' in page.text
    stored = north.api("GET", f"/api/v1/assessments/{aid}").json()
    assert stored["status"] == "complete" and stored["case"]["pain"][0]["region"] == "lumbar"
    for item in stored["result"]["ranking"][:3]:
        assert item["name"] in page.text
    if stored["result"]["plan"]:
        assert stored["result"]["plan"][0]["name"] in north.client.get(f"/assessments/{aid}/plan").text
    # A finished assessment's wizard steps send the user to the result.
    assert north.client.get(f"/assessments/{aid}/tests", follow_redirects=False).status_code == 303


def test_a_referral_answer_stops_the_wizard_and_says_so(north: Signed, kb) -> None:  # type: ignore[no-untyped-def]
    pid = _new_patient(north)
    aid = _start(north, pid)
    north.form(f"/assessments/{aid}/pain", {"pain__lumbar__central": "1", "intensity__lumbar": "7"})
    answers = {**_all_no(kb), "rf__saddle_numbness": "yes"}
    res = north.form(f"/assessments/{aid}/red-flags", answers)
    assert res.headers["location"] == f"/assessments/{aid}"
    page = north.client.get(f"/assessments/{aid}")
    assert "emergency referral" in page.text.lower() and "stopped at the red-flag questions" in page.text
    assert north.api("GET", f"/api/v1/assessments/{aid}").json()["status"] == "referred"


def test_progress_page_marks_real_and_within_error_changes(north: Signed) -> None:
    pid = _new_patient(north)
    north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE})
    later = {
        **DEMO_CASE,
        "findings": {**DEMO_CASE["findings"], "hip_ir_prone": {"left": 37, "right": 30, "unit": "deg"}},
    }
    north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": later})
    page = north.client.get(f"/patients/{pid}/progress").text
    assert 'id="plot-hip_ir_prone-right"' in page
    # Issue 12: a real change also says which way (better here), with its own colour.
    assert 'class="pt real better"' in page and 'class="pt within"' in page


def test_reassess_starts_a_draft_with_the_same_pain_map(north: Signed) -> None:
    pid = _new_patient(north)
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()
    res = north.form(f"/assessments/{done['id']}/reassess")
    new_id = int(res.headers["location"].split("/")[2])
    draft = north.api("GET", f"/api/v1/assessments/{new_id}").json()
    assert draft["status"] == "draft" and draft["case"]["pain"] == DEMO_CASE["pain"] and draft["case"]["findings"] == {}


def test_self_screen_link_is_single_use_and_shows_only_released_results(north: Signed, app: FastAPI, kb) -> None:  # type: ignore[no-untyped-def]
    pid = _new_patient(north)
    link = north.api("POST", f"/api/v1/patients/{pid}/links").json()["url"]
    path = "/" + link.split("/", 3)[3]
    with TestClient(app, base_url="https://testserver") as patient:
        page = patient.get(path)
        assert page.status_code == 200 and "Where does it hurt?" in page.text
        form = {
            "csrf_token": csrf_of(page.text),
            "pain__lumbar__central": "1",
            "intensity__lumbar": "4",
            "weeks__lumbar": "3",
            **_all_no(kb),
        }
        done = patient.post(path, data=form, files={"side": ("side.png", io.BytesIO(png_bytes()), "image/png")})
        assert done.status_code == 200 and 'id="thanks"' in done.text
        assert patient.get(path).status_code == 404  # used up
        assert 'id="not-released"' in patient.get(path + "/result").text
        timeline = north.client.get(f"/patients/{pid}").text
        aid = int(re.search(r"/assessments/(\d+)/pain", timeline).group(1))  # type: ignore[union-attr]
        north.form(f"/assessments/{aid}/complete")
        north.form(f"/assessments/{aid}/release", {"released": "yes"})
        shown = patient.get(path + "/result")
        assert "Your results" in shown.text and "Wendy" not in shown.text


def test_self_screen_red_flag_shows_referral_advice_at_once(north: Signed, app: FastAPI, kb) -> None:  # type: ignore[no-untyped-def]
    pid = _new_patient(north)
    link = north.api("POST", f"/api/v1/patients/{pid}/links").json()["url"]
    path = "/" + link.split("/", 3)[3]
    with TestClient(app, base_url="https://testserver") as patient:
        page = patient.get(path)
        form = {
            "csrf_token": csrf_of(page.text),
            "pain__lumbar__central": "1",
            **_all_no(kb),
            "rf__bladder_bowel_change": "yes",
        }
        done = patient.post(path, data=form)
        assert 'id="referral-advice"' in done.text
        # In the patient's words (self_screen.yaml), not the clinician's triage summary with its condition names.
        said = re.search(r'id="referral-text">(.*?)</p>', done.text, re.S)
        assert said and said.group(1).strip() in {" ".join(t.split()) for t in kb.self_screen.triage.values()}
        assert "referral:" not in done.text
    stored = north.api("GET", f"/api/v1/patients/{pid}/assessments").json()
    assert stored[0]["status"] == "referred" and stored[0]["origin"] == "self_screen"


def test_report_downloads_as_html_and_pdf_with_the_reassessment(north: Signed) -> None:
    pid = _new_patient(north)
    north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE})
    later = {
        **DEMO_CASE,
        "findings": {**DEMO_CASE["findings"], "hip_ir_prone": {"left": 37, "right": 30, "unit": "deg"}},
    }
    aid = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": later}).json()["id"]
    assert 'id="report-link"' in north.client.get(f"/assessments/{aid}").text
    html = north.client.get(f"/assessments/{aid}/report.html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"] and "<html" in html.text
    pdf = north.client.get(f"/assessments/{aid}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert north.client.get(f"/assessments/{aid}/report.docx").status_code == 404


def test_result_page_shows_uncertainty_intervals(north: Signed) -> None:
    pid = _new_patient(north)
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()
    stored = north.api("GET", f"/api/v1/assessments/{done['id']}").json()["result"]
    assert stored["uncertainty"]["statement"] and stored["ranking"][0]["interval"]
    page = north.client.get(f"/assessments/{done['id']}").text
    assert 'class="muted interval"' in page and stored["uncertainty"]["statement"] in page


def test_page_titles_are_plain_text(north: Signed) -> None:
    """The browser tab shows the <title>: no markup may leak into it (the timeline once put its whole
    archive/export block there)."""
    pid = _new_patient(north)
    for path in ("/patients", f"/patients/{pid}", f"/patients/{pid}/progress"):
        html = north.client.get(path).text
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None, path
        assert "<" not in title.group(1) and len(title.group(1)) < 120, (path, title.group(1)[:200])


def test_the_plan_page_of_a_draft_leads_back_to_the_wizard(north: Signed) -> None:
    # A draft has no result and no plan yet: the page sends the clinician back to the wizard (was a 500).
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Draft Plan"}).json()["id"]
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False})
    res = north.client.get(f"/assessments/{draft.json()['id']}/plan", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == f"/assessments/{draft.json()['id']}/pain"


def test_result_page_names_things_in_words_not_ids(north: Signed, kb) -> None:  # type: ignore[no-untyped-def]
    """Chain links, kinds, finding targets and notes use the knowledge base's names ('limited hip ir' and
    'thoracic_rotation_seated → limited_thoracic_rotation' once reached the clinician's page)."""
    pid = _new_patient(north)
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()
    page = north.client.get(f"/assessments/{done['id']}").text
    body = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    body = re.sub(r'(?:data-[a-z-]+|id|href|class)="[^"]*"', "", body)
    assert "Limited hip internal rotation → Lumbar spine (low back)" in body
    assert "remote contributor" in body and "local source" in body
    assert "limited hip ir" not in body
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", body), re.findall(r"\b[a-z]+_[a-z_]+\b", body)[:10]
