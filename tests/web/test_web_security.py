"""Issue 12 security bar: sessions end everywhere, streamed body limits, per-client sign-in back-off, no-store,
private data folder, password policy, link address from settings, docs behind sign-in, server-made previews."""

from __future__ import annotations

import asyncio
import io
import stat
import struct
import zlib
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import DEMO_CASE, PASSWORD, Signed, png_bytes, sign_in

_MB = 1 << 20


def _copy_cookies(signed: Signed) -> TestClient:
    """A second client holding a copy of the signed-in client's cookie (as an attacker would)."""
    copy = TestClient(signed.client.app, base_url="https://testserver")
    copy.__enter__()
    for cookie in signed.client.cookies.jar:
        copy.cookies.set(cookie.name, cookie.value)
    return copy


def test_a_cookie_copied_before_sign_out_gets_401_after_it(north: Signed) -> None:
    copy = _copy_cookies(north)
    assert copy.get("/api/v1/patients").status_code == 200
    assert north.api("DELETE", "/api/v1/session").status_code == 204
    assert copy.get("/api/v1/patients").status_code == 401
    page = copy.get("/patients", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert copy.post(
        "/api/v1/patients", json={"display_name": "X"}, headers={"X-CSRF-Token": north.csrf}
    ).status_code in (
        401,
        403,
    )


def test_sign_out_form_also_ends_every_copy(north: Signed) -> None:
    copy = _copy_cookies(north)
    assert north.form("/logout").status_code == 303
    assert copy.get("/api/v1/session").status_code == 401


def test_password_change_ends_other_sessions_and_keeps_this_one(app: FastAPI, north: Signed) -> None:
    other_device = sign_in(app, "doc@north.org")
    weak = north.api(
        "PUT", "/api/v1/session/password", json={"current_password": PASSWORD, "new_password": "aaaaaaaaaaaa"}
    )
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "new_password"
    wrong = north.api(
        "PUT", "/api/v1/session/password", json={"current_password": "nope", "new_password": "a much better phrase"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    assert other_device.client.get("/api/v1/session").status_code == 200
    ok = north.api(
        "PUT", "/api/v1/session/password", json={"current_password": PASSWORD, "new_password": "a much better phrase"}
    )
    assert ok.status_code == 200
    assert north.client.get("/api/v1/session").status_code == 200  # this session carries on
    assert other_device.client.get("/api/v1/session").status_code == 401
    with TestClient(app, base_url="https://testserver") as c:
        assert c.post("/api/v1/session", json={"email": "doc@north.org", "password": PASSWORD}).status_code == 401
        new = c.post("/api/v1/session", json={"email": "doc@north.org", "password": "a much better phrase"})
        assert new.status_code == 200


def test_disabling_a_user_ends_their_sessions_at_once(north: Signed, north_admin: Signed) -> None:
    assert north.client.get("/api/v1/patients").status_code == 200
    res = north_admin.api("PUT", f"/api/v1/users/{north.user_id}/active", json={"is_active": False})
    assert res.status_code == 200 and res.json()["is_active"] is False
    assert north.client.get("/api/v1/patients").status_code == 401
    own = north_admin.api("PUT", f"/api/v1/users/{north_admin.user_id}/active", json={"is_active": False})
    assert own.status_code == 422
    assert north.api("PUT", f"/api/v1/users/{north_admin.user_id}/active", json={"is_active": False}).status_code in (
        401,
        403,
    )


def _chunked_post(app: FastAPI, path: str, *, total: int, cookie: str = "", token: str = "") -> tuple[int, int]:
    """Send a chunked multipart POST of `total` bytes straight to the ASGI app; return (status, bytes it read)."""
    chunk = b"\0" * _MB
    pulled = 0
    sent: list[dict[str, Any]] = []
    boundary = b"XyZ"
    head = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + png_bytes()
    )

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled == 0:
            pulled += len(head)
            return {"type": "http.request", "body": head, "more_body": True}
        if pulled >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"multipart/form-data; boundary=" + boundary),
        (b"transfer-encoding", b"chunked"),
    ]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if token:
        headers.append((b"x-csrf-token", token.encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("10.0.0.9", 5000),
        "server": ("testserver", 443),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in sent if m["type"] == "http.response.start")
    return int(start["status"]), pulled


def test_a_chunked_100_mb_post_without_a_session_is_refused_before_its_body_is_read(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver"):  # start the app (lifespan)
        status, pulled = _chunked_post(app, "/assessments/1/media", total=100 * _MB)
    assert status == 403 and pulled == 0


def test_a_chunked_100_mb_upload_stops_at_the_limit(app: FastAPI, north: Signed) -> None:
    limit = (app.state.kt.settings.max_upload_mb + 1) * _MB
    cookie = "; ".join(f"{c.name}={c.value}" for c in north.client.cookies.jar)
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Big Upload"}).json()["id"]
    aid = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()[
        "id"
    ]
    for path in (f"/assessments/{aid}/media", f"/api/v1/assessments/{aid}/media"):
        status, pulled = _chunked_post(app, path, total=100 * _MB, cookie=cookie, token=north.csrf)
        assert status == 413
        assert pulled <= limit + _MB, f"{path}: read {pulled >> 20} MB past a {limit >> 20} MB limit"
    # A JSON or form body has a 1 MB allowance, streamed or declared.
    status, pulled = _chunked_post(app, "/api/v1/patients", total=100 * _MB, cookie=cookie, token=north.csrf)
    assert status == 413 and pulled <= 2 * _MB
    assert [p for p in app.state.kt.uploads_dir.iterdir() if p.is_file()] == []


def test_wrong_passwords_from_one_client_do_not_lock_the_account_for_another(app: FastAPI) -> None:
    # The fixture allows 3 failures per account and client; the attacker tries more than that.
    with TestClient(app, base_url="https://testserver", client=("203.0.113.7", 4000)) as attacker:
        codes = [
            attacker.post("/api/v1/session", json={"email": "doc@north.org", "password": "guess"}).status_code
            for _ in range(5)
        ]
        assert codes[:3] == [401, 401, 401] and codes[3] == 429
    with TestClient(app, base_url="https://testserver", client=("198.51.100.4", 4000)) as clinician:
        res = clinician.post("/api/v1/session", json={"email": "doc@north.org", "password": PASSWORD})
        assert res.status_code == 200


def test_the_wait_grows_with_each_failure_instead_of_a_fixed_lock(app: FastAPI) -> None:
    from datetime import timedelta

    from kinetrace.storage import throttle, utcnow
    from kinetrace.storage.throttle import ThrottleKey

    key = (ThrottleKey("account-client:x@y.org|1.2.3.4", 3),)
    now = utcnow()
    waits = []
    with app.state.kt.sessions.begin() as db:
        for _ in range(6):
            throttle.record_failure(db, key, now=now, window_s=900)
            waits.append(
                throttle.retry_after_s(db, key, now=now + timedelta(microseconds=1), window_s=900, backoff_s=2)
            )
    assert waits == [0, 0, 2, 4, 8, 16]


def test_patient_pages_and_api_answers_are_not_stored_by_caches(north: Signed) -> None:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Cache Test"}).json()["id"]
    for url in ("/patients", f"/patients/{pid}", f"/api/v1/patients/{pid}", "/api/v1/patients", "/login"):
        res = north.client.get(url)
        assert res.status_code == 200 and "no-store" in res.headers["cache-control"], url
    assert "no-store" in north.client.get("/api/v1/patients/999999").headers["cache-control"]
    assert "no-store" not in north.client.get("/static/app.css").headers.get("cache-control", "")


def test_data_folder_is_private_and_files_are_readable_by_the_owner_only(app: FastAPI, north: Signed) -> None:
    data: Path = app.state.kt.settings.data_dir
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Perm Test"}).json()["id"]
    aid = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()[
        "id"
    ]
    files = {"file": ("a.png", io.BytesIO(png_bytes()), "image/png")}
    assert north.api("POST", f"/api/v1/assessments/{aid}/media", data={"view": "front"}, files=files).status_code == 201
    for folder in (data, app.state.kt.uploads_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    stored = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in stored) and any(p.name == "kinetrace.sqlite3" for p in stored)
    for path in stored:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is readable by others"


def test_common_repeated_or_short_passwords_are_refused(north_admin: Signed) -> None:
    for bad in ("aaaaaaaaaa", "password123", "qwertyuiop", "short1", "Password1!"):
        res = north_admin.api("POST", "/api/v1/users", json={"email": "n@north.org", "name": "N", "password": bad})
        assert res.status_code == 422 and res.json()["errors"][0]["field"] == "password", bad
        assert bad not in res.text
    ok = north_admin.api(
        "POST", "/api/v1/users", json={"email": "n@north.org", "name": "N", "password": "violet kettle marches"}
    )
    assert ok.status_code == 201


def test_self_screen_link_address_comes_from_settings_not_the_host_header(north: Signed) -> None:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Link Host"}).json()["id"]
    res = north.client.post(
        f"/api/v1/patients/{pid}/links", headers={"X-CSRF-Token": north.csrf, "Host": "evil.example"}
    )
    assert res.status_code == 201
    url = res.json()["url"]
    assert "evil.example" not in url and url.startswith("http://localhost:8000/s/")


def test_api_docs_and_schema_need_sign_in(app: FastAPI, north: Signed) -> None:
    with TestClient(app, base_url="https://testserver") as anonymous:
        assert anonymous.get("/docs", follow_redirects=False).status_code == 303
        assert anonymous.get("/openapi.json", follow_redirects=False).status_code == 303
    assert north.client.get("/docs").status_code == 200
    assert north.client.get("/openapi.json").json()["info"]["title"] == "Kinetrace clinic"


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares `width` × `height` (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def test_previews_are_made_on_the_server_and_an_image_bomb_gets_none(north: Signed) -> None:
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Bomb"}).json()["id"]
    aid = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()[
        "id"
    ]

    def upload(data: bytes) -> int:
        files = {"file": ("p.png", io.BytesIO(data), "image/png")}
        res = north.api("POST", f"/api/v1/assessments/{aid}/media", data={"view": "front"}, files=files)
        assert res.status_code == 201, res.text
        return int(res.json()["id"])

    good, bomb = upload(png_bytes(640, 480)), upload(_png_declaring(60_000, 60_000))
    thumb = north.client.get(f"/media/{good}/preview/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    from PIL import Image

    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 320
    refused = north.client.get(f"/media/{bomb}/preview/thumb")
    assert refused.headers["content-type"].startswith("image/svg+xml") and b"No preview" in refused.content
    original = north.client.get(f"/media/{bomb}/file")
    assert original.headers["content-disposition"].startswith("attachment")  # never shown inline
    page = north.client.get(f"/assessments/{aid}/photos").text
    assert f'src="/media/{bomb}/preview/thumb"' in page and f'src="/media/{bomb}/file"' not in page
