"""Issue 12 bar: every page and API answer carries `Cache-Control: no-store` (they hold patient data), for every
GET route the app has, now and later: the routes are read from the app's routers, not listed by hand."""

from __future__ import annotations

import io
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import DEMO_CASE, Signed, png_bytes

from kinetrace.web.routes import ROUTERS


def _get_paths() -> list[str]:
    return sorted({r.path for router in ROUTERS for r in router.routes if "GET" in getattr(r, "methods", ())})


def _values(north: Signed) -> dict[str, list[str]]:
    """Ids of real records (and one that does not exist) for every path parameter."""
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "No Store"}).json()["id"]
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()["id"]
    draft = north.api(
        "POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}
    ).json()["id"]
    files = {"file": ("a.png", io.BytesIO(png_bytes(64, 64)), "image/png")}
    media = north.api("POST", f"/api/v1/assessments/{draft}/media", data={"view": "front"}, files=files).json()["id"]
    token = north.api("POST", f"/api/v1/patients/{pid}/links").json()["url"].rsplit("/", 1)[1]
    return {
        "patient_id": [str(pid), "999999"],
        "assessment_id": [str(done), str(draft), "999999"],
        "media_id": [str(media), "999999"],
        "token": [token, "not-a-token"],
        "size": ["thumb", "review"],
        "fmt": ["html"],
        "name": ["missing.json"],
    }


def _urls(path: str, values: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"{(\w+)}", path)
    urls = [path]
    for name in names:
        urls = [u.replace("{" + name + "}", v) for u in urls for v in values[name]]
    return urls


def test_every_get_route_answers_with_no_store_signed_in_or_not(app: FastAPI, north_admin: Signed) -> None:
    values = _values(north_admin)
    paths = _get_paths()
    assert len(paths) >= 30 and "/api/v1/patients/{patient_id}" in paths and "/s/{token}/result" in paths
    missing = []
    with TestClient(app, base_url="https://testserver") as anonymous:
        for path in paths:
            for url in _urls(path, values):
                for who, client in (("signed in", north_admin.client), ("anonymous", anonymous)):
                    res = client.get(url, follow_redirects=False)
                    if "no-store" not in res.headers.get("cache-control", ""):
                        missing.append(f"{who} GET {url} → {res.status_code}")
    assert not missing, missing
