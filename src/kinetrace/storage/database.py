"""Database engines and schema migration: SQLite (WAL) in a data directory by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from kinetrace.errors import ConflictError

try:
    import fcntl
except ImportError:  # Windows: writers of several processes meet in SQLite's busy handler only
    fcntl = None  # type: ignore[assignment]

__all__ = ["make_engine", "make_session_factory", "migrate", "sqlite_url", "utcnow"]

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).with_name("migrations")


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def sqlite_url(data_dir: Path) -> str:
    """Return the URL of the embedded SQLite database inside `data_dir`."""
    return f"sqlite:///{(data_dir / 'kinetrace.sqlite3').resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; a killed process loses only the uncommitted transaction.
    # The driver's own transaction handling is switched off: we emit BEGIN ourselves (see make_engine).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, pool_size: int = 10, for_writing: bool = True) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, foreign keys and a busy timeout.

    On SQLite a writing engine starts every transaction with BEGIN IMMEDIATE, taking the write lock up front, so
    concurrent writers queue on the busy timeout instead of failing when a read turns into a write. A reading
    engine (`for_writing=False`) uses plain BEGIN and never blocks writers.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size, max_overflow=40
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if for_writing:
            _serialise_writers(engine, _ProcessLock.for_database(make_url(url).database))
        else:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=40, pool_pre_ping=True)


class _ProcessLock:
    """An exclusive lock on a file beside the database, shared by every server process on this machine.

    Without it, writers of two processes meet only in SQLite's busy handler, which sleeps up to 100 ms between
    tries: the process that just wrote keeps winning and the other's writers wait seconds. Here a waiter blocks
    in the kernel and is woken as soon as the lock is free. The operating system drops the lock if its process
    dies; a transaction holds it only while it runs (see `_serialise_writers`).
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._fd: int | None = None

    @classmethod
    def for_database(cls, database: str | None) -> _ProcessLock:
        """Return the lock of a database file (a no-op for an in-memory database or without fcntl)."""
        if not database or database == ":memory:" or fcntl is None:
            return cls(None)
        return cls(Path(database).with_name(Path(database).name + ".writelock"))

    def acquire(self) -> None:
        """Take the lock; the caller holds this process's writer lock, so one thread per process waits here."""
        if self._path is None or fcntl is None:
            return
        if self._fd is None:
            self._fd = os.open(self._path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        """Let the next process's writer in."""
        if self._fd is not None and fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def _serialise_writers(engine: Engine, process_lock: _ProcessLock, *, wait_s: float = 30.0) -> None:
    # SQLite has one writer at a time. Queueing writers of this process on a lock (first come, first served)
    # avoids SQLite's sleep-and-retry busy loop, which starves some writers under load; the process lock then
    # queues them against other server processes, and BEGIN IMMEDIATE waits only for other programs. The locks
    # are released when the transaction ends, and in any case when the connection goes back to the pool, so an
    # invalidated connection cannot keep them.
    lock = threading.Lock()

    def begin(conn: Connection) -> None:
        if not lock.acquire(timeout=wait_s):
            raise ConflictError(f"the database stayed busy for {wait_s:.0f} s; try again.")
        conn.info["kt_write_lock"] = True
        try:
            process_lock.acquire()
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    def _release(info: dict[Any, Any]) -> None:
        if info.pop("kt_write_lock", False):
            process_lock.release()  # unlocking a lock not held (acquire failed) is harmless
            lock.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", lambda conn: _release(conn.info))
    event.listen(engine, "rollback", lambda conn: _release(conn.info))
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _release(record.info))
    event.listen(engine.pool, "invalidate", lambda _dbapi, record, _exc: _release(record.info))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory used for one transaction per request."""
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Bring the schema up to `revision` with Alembic (the package's own migrations)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(_MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    log.info("database schema at %s", revision)
