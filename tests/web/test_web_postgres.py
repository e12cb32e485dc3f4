"""The web app on PostgreSQL: the main API flow and clinic isolation against a real server."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from web_helpers import DEMO_CASE, PASSWORD, png_bytes, sign_in

from kinetrace.storage import clinics as clinic_repo
from kinetrace.web.app import create_app
from kinetrace.web.config import WebSettings
from kinetrace.web.security import hash_password

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_app(tmp_path: Path, kb) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    url_file = Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "pg_url"
    if not url_file.is_file():
        raise RuntimeError(f"{url_file} is missing: run scripts/setup.d/30-postgres.sh (scripts/test-all does).")
    server = url_file.read_text().strip()
    name = f"kt_web_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    settings = WebSettings(
        data_dir=tmp_path,
        secret_key="pg-secret",
        analyse_media=False,
        database_url=server.rsplit("/", 1)[0] + f"/{name}",
    )
    app = create_app(settings, kb=kb)
    with app.state.kt.sessions.begin() as db:
        h = hash_password(PASSWORD)
        for clinic_name, email in (("North", "doc@north.org"), ("South", "doc@south.org")):
            clinic = clinic_repo.create_clinic(db, clinic_name)
            clinic_repo.create_user(db, clinic.id, email=email, name=email, role="clinician", password_hash=h)
    try:
        yield app
    finally:
        app.state.kt.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_api_flow_and_isolation_on_postgresql(pg_app: FastAPI) -> None:
    north, south = sign_in(pg_app, "doc@north.org"), sign_in(pg_app, "doc@south.org")
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Pg Patient"}).json()["id"]
    done = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE})
    assert done.status_code == 201 and done.json()["result"]["triage"]["action"]
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False})
    media = north.api(
        "POST",
        f"/api/v1/assessments/{draft.json()['id']}/media",
        data={"view": "left"},
        files={"file": ("a.png", io.BytesIO(png_bytes()), "image/png")},
    )
    assert media.status_code == 201
    assert north.client.get(f"/assessments/{done.json()['id']}").status_code == 200
    for url in (
        f"/api/v1/patients/{pid}",
        f"/api/v1/assessments/{done.json()['id']}",
        f"/api/v1/media/{media.json()['id']}",
        f"/patients/{pid}/progress",
    ):
        assert south.client.get(url).status_code == 404, url
    for s in (north, south):
        s.client.__exit__(None, None, None)
