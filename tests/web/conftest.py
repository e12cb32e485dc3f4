"""Web test fixtures: an app on a temporary SQLite database, two clinics, and signed-in test clients."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_helpers import PASSWORD, Signed, sign_in

from kinetrace.storage import clinics as clinic_repo
from kinetrace.web.app import create_app
from kinetrace.web.config import WebSettings
from kinetrace.web.security import hash_password


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    """The real knowledge base, loaded once."""
    from kinetrace.knowledge import load_knowledge

    return load_knowledge()


def _settings(data_dir: Path) -> WebSettings:
    return WebSettings(
        data_dir=data_dir, secret_key="test-secret", analyse_media=False, sign_in_attempts=3, max_upload_mb=2
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, kb) -> Path:  # type: ignore[no-untyped-def]
    """A migrated database with two clinics (North: admin + clinician, South: clinician), built once."""
    data = tmp_path_factory.mktemp("template")
    application = create_app(_settings(data), kb=kb)
    with application.state.kt.sessions.begin() as db:
        north = clinic_repo.create_clinic(db, "North")
        south = clinic_repo.create_clinic(db, "South")
        h = hash_password(PASSWORD)
        for clinic, email, name, role in (
            (north.id, "admin@north.org", "Nora Admin", "admin"),
            (north.id, "doc@north.org", "Nick Doc", "clinician"),
            (south.id, "doc@south.org", "Sue Doc", "clinician"),
        ):
            clinic_repo.create_user(db, clinic, email=email, name=name, role=role, password_hash=h)
    application.state.kt.engine.dispose()
    return data / "kinetrace.sqlite3"


@pytest.fixture
def app(tmp_path: Path, kb, template_db: Path) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    """A fresh app on a copy of the template database."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template_db, data / "kinetrace.sqlite3")
    yield create_app(_settings(data), kb=kb)


@pytest.fixture
def north(app: FastAPI) -> Iterator[Signed]:
    """The North clinician."""
    signed = sign_in(app, "doc@north.org")
    yield signed
    signed.client.__exit__(None, None, None)


@pytest.fixture
def north_admin(app: FastAPI) -> Iterator[Signed]:
    """The North admin."""
    signed = sign_in(app, "admin@north.org")
    yield signed
    signed.client.__exit__(None, None, None)


@pytest.fixture
def south(app: FastAPI) -> Iterator[Signed]:
    """The South clinician (another clinic)."""
    signed = sign_in(app, "doc@south.org")
    yield signed
    signed.client.__exit__(None, None, None)
