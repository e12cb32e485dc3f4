"""Sign-in, session cookie flags, CSRF and rate limiting."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, Signed, csrf_of


def test_pages_redirect_to_sign_in_and_api_answers_401(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/patients", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        api = c.get("/api/v1/patients")
        assert api.status_code == 401 and api.json()["ok"] is False


def test_sign_in_form_sets_a_secure_http_only_cookie(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        token = csrf_of(c.get("/login").text)
        res = c.post(
            "/login", data={"email": "doc@north.org", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
        )
        assert res.status_code == 303 and res.headers["location"] == "/patients"
        cookie = res.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert c.get("/patients").status_code == 200


def test_wrong_password_shows_the_form_again(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        token = csrf_of(c.get("/login").text)
        res = c.post("/login", data={"email": "doc@north.org", "password": "nope", "csrf_token": token})
        assert res.status_code == 401 and 'id="login-error"' in res.text and 'value="doc@north.org"' in res.text


def test_sign_in_is_rate_limited_after_repeated_failures(app: FastAPI) -> None:
    # The app fixture allows 3 failures per window.
    with TestClient(app, base_url="https://testserver") as c:
        codes = [
            c.post("/api/v1/session", json={"email": "doc@north.org", "password": "bad"}).status_code for _ in range(4)
        ]
        assert codes == [401, 401, 401, 429]
        blocked = c.post("/api/v1/session", json={"email": "doc@north.org", "password": PASSWORD})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_forms_and_api_writes_without_csrf_are_rejected(north: Signed) -> None:
    res = north.client.post("/patients", data={"display_name": "No Token"}, follow_redirects=False)
    assert res.status_code == 403
    api = north.client.post("/api/v1/patients", json={"display_name": "No Token"})
    assert api.status_code == 403 and api.json()["errors"][0]["field"] == "csrf_token"
    api_bad = north.client.post("/api/v1/patients", json={"display_name": "X"}, headers={"X-CSRF-Token": "forged"})
    assert api_bad.status_code == 403


def test_sign_out_ends_the_session(north: Signed) -> None:
    assert north.api("DELETE", "/api/v1/session").status_code == 204
    assert north.client.get("/api/v1/session").status_code == 401


def test_pages_send_security_headers(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        headers = c.get("/login").headers
        assert headers["x-frame-options"] == "DENY" and "default-src 'self'" in headers["content-security-policy"]


def test_audit_log_is_admin_only_and_records_sign_in(north: Signed, north_admin: Signed) -> None:
    assert north.client.get("/api/v1/audit").status_code == 403
    lines = north_admin.client.get("/api/v1/audit").json()
    assert any(line["action"] == "sign_in" for line in lines)


def test_views_are_audited_without_names(north: Signed, north_admin: Signed, app: FastAPI) -> None:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Audited Person"}).json()["id"]
    assert north.client.get(f"/patients/{pid}").status_code == 200
    app.state.kt.view_log.flush()
    lines = north_admin.client.get("/api/v1/audit").json()
    assert {"action": "view", "resource": "patient", "resource_id": pid, "user_id": north.user_id}.items() <= next(
        line for line in lines if line["action"] == "view"
    ).items()
    assert {"create"} <= {line["action"] for line in lines if line["resource_id"] == pid}
    assert "Audited Person" not in str(lines)


def test_admin_adds_a_clinician_who_can_then_sign_in(north: Signed, north_admin: Signed, app: FastAPI) -> None:
    assert north.client.get("/users").status_code == 403
    short = north_admin.form("/users", {"email": "new@north.org", "name": "New", "password": "short"})
    assert short.status_code == 422 and 'id="err-password"' in short.text and 'value="new@north.org"' in short.text
    taken = north_admin.form("/users", {"email": "doc@south.org", "password": "long enough pass"})
    assert taken.status_code == 409 and 'id="err-email"' in taken.text
    ok = north_admin.form("/users", {"email": "new@north.org", "name": "New", "password": "long enough pass"})
    assert ok.status_code == 303
    with TestClient(app, base_url="https://testserver") as c:
        res = c.post("/api/v1/session", json={"email": "new@north.org", "password": "long enough pass"})
        assert res.status_code == 200 and res.json()["clinic_id"] == north.clinic_id
