"""Killing the server (SIGKILL) mid-upload or mid-save leaves no half-written assessment and loses nothing saved.

A real `kinetrace serve` process on SQLite (WAL) is killed while requests are in flight, then started again on
the same data folder; the database and the uploads folder are then checked directly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from web_helpers import DEMO_CASE, png_bytes

from kinetrace.storage.tables import AssessmentRow, MeasurementRow, MediaRow, PlanRow

ADMIN, SECRET = "admin@crash.test", "crash-test-password"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(data: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "KINETRACE_ADMIN_EMAIL": ADMIN,
        "KINETRACE_ADMIN_PASSWORD": SECRET,
        "KINETRACE_COOKIE_SECURE": "false",
        "KINETRACE_ANALYSE_MEDIA": "false",
    }
    cmd = [
        sys.executable,
        "-c",
        "from kinetrace.cli.app import main; main()",
        "serve",
        "--data-dir",
        str(data),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(data.parent / f"server-{port}.log").open("ab"),
        start_new_session=True,  # its own process group: the supervisor and its worker processes die together
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)
    try:
        yield proc
    finally:
        _kill_all(proc)


def _kill_all(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and every worker process it started (no clean shutdown of any kind)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _client(port: int) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    res = client.post("/api/v1/session", json={"email": ADMIN, "password": SECRET})
    res.raise_for_status()
    return client, {"X-CSRF-Token": res.json()["csrf_token"]}


def _db(data: Path) -> Session:
    return Session(create_engine(f"sqlite:///{data / 'kinetrace.sqlite3'}"))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def test_kill_mid_upload_leaves_no_media_and_no_partial_file(data: Path) -> None:
    port = _port()
    with _server(data, port) as proc:
        client, csrf = _client(port)
        pid = client.post("/api/v1/patients", json={"display_name": "Crash"}, headers=csrf).json()["id"]
        draft = client.post(
            f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}, headers=csrf
        ).json()
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        body_head = (
            b'--B\r\nContent-Disposition: form-data; name="view"\r\n\r\nleft\r\n--B\r\n'
            b'Content-Disposition: form-data; name="file"; filename="big.png"\r\n'
            b"Content-Type: image/png\r\n\r\n" + png_bytes()
        )
        total = len(body_head) + (8 << 20)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                f"POST /api/v1/assessments/{draft['id']}/media HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {total}\r\n"
                f"X-CSRF-Token: {csrf['X-CSRF-Token']}\r\nCookie: {cookie}\r\n\r\n".encode()
            )
            sock.sendall(body_head + b"\0" * (3 << 20))  # a bit over a third of the file, then the server dies
            time.sleep(0.5)
            _kill_all(proc)
    with _server(data, port):
        client, _ = _client(port)
        assert client.get(f"/api/v1/assessments/{draft['id']}/media").json() == []
        again = client.get(f"/api/v1/assessments/{draft['id']}").json()
        assert again["status"] == "draft" and again["case"] == draft["case"]  # nothing saved was lost
    assert list((data / "uploads").iterdir()) == []
    with _db(data) as db:
        assert db.scalars(select(MediaRow)).all() == []


def test_kill_mid_save_leaves_only_whole_assessments(data: Path) -> None:
    port = _port()
    acknowledged: list[int] = []
    with _server(data, port) as proc:
        client, csrf = _client(port)
        pid = client.post("/api/v1/patients", json={"display_name": "Crash"}, headers=csrf).json()["id"]
        stop = threading.Event()

        def save_forever() -> None:
            worker = httpx.Client(base_url=str(client.base_url), cookies=client.cookies, timeout=30)
            while not stop.is_set():
                try:
                    res = worker.post(f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}, headers=csrf)
                except httpx.TransportError:
                    return
                if res.status_code == 201:
                    acknowledged.append(res.json()["id"])

        threads = [threading.Thread(target=save_forever) for _ in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        _kill_all(proc)  # while four saves are in flight
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert len(acknowledged) >= 8
    with _server(data, port), _db(data) as db:
        rows = db.scalars(select(AssessmentRow)).all()
        assert {r.id for r in rows} >= set(acknowledged)  # every acknowledged save survived
        for row in rows:
            assert row.status == "complete" and row.result_data is not None and row.kb_version
            assert db.scalars(select(PlanRow).where(PlanRow.assessment_id == row.id)).one()
            assert db.scalars(select(MeasurementRow).where(MeasurementRow.assessment_id == row.id)).all()


_MIGRATE = """
import sys
from kinetrace.storage import make_engine, migrate
import alembic.command, alembic.config  # imported before the signal, so the kill lands inside the upgrade
engine = make_engine(sys.argv[1])
print("go", flush=True)
migrate(engine, revision=sys.argv[2])
"""


def test_kill_during_migrations_again_and_again_loses_nothing(data: Path) -> None:
    # Issue 12: a crash loop over schema upgrades. The database starts at an older revision with data in it;
    # the upgrade is killed (SIGKILL) at a different moment each time, then finally allowed to finish.
    from sqlalchemy import text

    from kinetrace.storage import make_engine, migrate

    url = f"sqlite:///{data / 'kinetrace.sqlite3'}"
    engine = make_engine(url)
    migrate(engine, revision="0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO clinic (name, created_at) VALUES ('Kept', '2026-01-01 00:00:00')"))
    engine.dispose()
    seen: list[str] = []
    for delay_s in (0.0, 0.005, 0.02, 0.05, 0.1, 0.2):
        proc = subprocess.Popen(
            [sys.executable, "-c", _MIGRATE, url, "head"], stdout=subprocess.PIPE, start_new_session=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"go"
        time.sleep(delay_s)
        _kill_all(proc)
        with create_engine(url).connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            assert version in ("0004", "0005"), version  # one revision or the next, never between
            seen.append(version)
            assert conn.execute(text("SELECT name FROM clinic")).scalars().all() == ["Kept"]
    assert "0004" in seen  # at least one kill landed inside the upgrade and was rolled back
    done = subprocess.run(
        [sys.executable, "-c", _MIGRATE, url, "head"], check=True, timeout=120, stdout=subprocess.DEVNULL
    )
    assert done.returncode == 0
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
        assert conn.execute(text("SELECT name FROM clinic")).scalars().all() == ["Kept"]
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(app_user)"))}
        assert "session_version" in columns
