"""Temporary databases for the storage tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL comes from `scripts/setup.d/30-postgres.sh`, which writes the server URL to `$KT_CACHE/pg_url`;
each test gets a fresh database there and drops it afterwards. A missing server is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from kinetrace.storage import make_engine, make_session_factory, migrate

ROOT = Path(__file__).resolve().parents[2]


def postgres_server_url() -> str:
    """Return the URL of the test PostgreSQL server written by the setup script."""
    cache = Path(os.environ.get("KT_CACHE", ROOT / ".cache"))
    url_file = cache / "pg_url"
    if not url_file.is_file():
        raise RuntimeError(f"{url_file} is missing: run scripts/setup.d/30-postgres.sh (scripts/test-all does).")
    return url_file.read_text().strip()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        migrate(eng)
        yield eng
        eng.dispose()
        return
    server = postgres_server_url()
    name = f"kt_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng = make_engine(server.rsplit("/", 1)[0] + f"/{name}", pool_size=2)
    try:
        migrate(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory for the test database."""
    return make_session_factory(engine)
