"""Web test fixtures: an app on a temporary SQLite database, two clinics, and signed-in test clients."""

from __future__ import annotations

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


@pytest.fixture
def app(tmp_path: Path, kb) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    """A fresh app with two clinics (North: admin + clinician, South: clinician)."""
    settings = WebSettings(
        data_dir=tmp_path / "data", secret_key="test-secret", analyse_media=False, sign_in_attempts=3
    )
    application = create_app(settings, kb=kb)
    with application.state.kt.sessions.begin() as db:
        north = clinic_repo.create_clinic(db, "North")
        south = clinic_repo.create_clinic(db, "South")
        h = hash_password(PASSWORD)
        clinic_repo.create_user(db, north.id, email="admin@north.org", name="Nora Admin", role="admin", password_hash=h)
        clinic_repo.create_user(db, north.id, email="doc@north.org", name="Nick Doc", role="clinician", password_hash=h)
        clinic_repo.create_user(db, south.id, email="doc@south.org", name="Sue Doc", role="clinician", password_hash=h)
    yield application


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
