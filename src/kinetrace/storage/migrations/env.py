"""Alembic environment: uses the connection the application passes in, or KINETRACE_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from kinetrace.storage.tables import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = os.environ.get("KINETRACE_DATABASE_URL", "sqlite:///kinetrace.sqlite3")
    with create_engine(url).begin() as conn:
        _run(conn)
