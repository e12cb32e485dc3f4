"""A real `kinetrace serve` process for the crash and multi-process tests: start, SIGKILL, restart, find workers.

The server runs in a process group of its own, so a kill takes the supervisor and every worker process with it
(no clean shutdown of any kind), exactly like a power cut of the service.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine, text

ADMIN, SECRET = "admin@crash.test", "crash-test-password"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Live:
    """A running server process (group) and its address."""

    proc: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"

    def worker_of(self, client: httpx.Client, response: httpx.Response) -> int:
        """Return the pid of the server process holding the (kept-alive) connection `response` came over."""
        stream = response.extensions["network_stream"]
        _, local_port = stream.get_extra_info("client_addr")
        for pid in self.server_pids():
            with contextlib.suppress(psutil.Error):
                for conn in psutil.Process(pid).net_connections(kind="tcp"):
                    if conn.raddr and conn.raddr.port == local_port and conn.laddr.port == self.port:
                        return pid
        raise AssertionError(f"no server process holds the connection from port {local_port}")

    def server_pids(self) -> list[int]:
        """Return the pids of the supervisor and its worker processes."""
        root = psutil.Process(self.proc.pid)
        return [root.pid, *(p.pid for p in root.children(recursive=True))]


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(
    data: Path, port: int, *, workers: int = 1, database_url: str | None = None, env: dict[str, str] | None = None
) -> Live:
    """Start `kinetrace serve` on `data` and wait until it answers (raises if it dies or takes over 60 s)."""
    env = {
        **os.environ,
        **(env or {}),
        "KINETRACE_ADMIN_EMAIL": ADMIN,
        "KINETRACE_ADMIN_PASSWORD": SECRET,
        "KINETRACE_COOKIE_SECURE": "false",
        "KINETRACE_ANALYSE_MEDIA": "false",
    }
    cmd = [sys.executable, "-c", "from kinetrace.cli.app import main; main()", "serve"]
    cmd += ["--data-dir", str(data), "--port", str(port), "--workers", str(workers)]
    if database_url:
        cmd += ["--database-url", database_url]
    log = (data.parent / f"server-{port}.log").open("ab")
    proc = subprocess.Popen(
        cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
    )
    log.close()
    live = Live(proc, port)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{live.url}/login", timeout=2)
            return live
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                kill(live)
                raise RuntimeError(f"server did not start; see {data.parent / f'server-{port}.log'}") from None
            time.sleep(0.1)


def kill(live: Live) -> None:
    """SIGKILL the server and every worker process it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(live.proc.pid, signal.SIGKILL)
    live.proc.wait(timeout=10)


@contextmanager
def running(
    data: Path, *, workers: int = 1, database_url: str | None = None, env: dict[str, str] | None = None
) -> Iterator[Live]:
    """Run a server until the block ends, then kill it."""
    live = start(data, free_port(), workers=workers, database_url=database_url, env=env)
    try:
        yield live
    finally:
        kill(live)


def signed_in(live: Live, email: str = ADMIN, password: str = SECRET) -> tuple[httpx.Client, dict[str, str]]:
    """Return a client signed in through the API and the CSRF header it must send."""
    return signed_in_at(live.port, email, password)


def signed_in_at(port: int, email: str = ADMIN, password: str = SECRET) -> tuple[httpx.Client, dict[str, str]]:
    """Return a client of the server on `port`, signed in through the API, and the CSRF header it must send."""
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    res = client.post("/api/v1/session", json={"email": email, "password": password})
    res.raise_for_status()
    return client, {"X-CSRF-Token": res.json()["csrf_token"]}


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create an empty PostgreSQL database on the test server (scripts/setup.d/30-postgres.sh); yield its URL."""
    url_file = Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "pg_url"
    if not url_file.is_file():
        raise RuntimeError(f"{url_file} is missing: run scripts/setup.d/30-postgres.sh (scripts/test-all does).")
    server = url_file.read_text().strip()
    name = f"kt_live_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_ZYGOTE = r"""
import os, signal, sys
from kinetrace.cli.app import main
import alembic.command, fastapi, sqlalchemy, uvicorn, uvicorn.main  # noqa: F401 - imported once, before any fork
import kinetrace.web.app, kinetrace.web.routes  # noqa: F401
from kinetrace.knowledge import load_knowledge
load_knowledge()  # read-only data, cached: each server still calls it, and gets the same object
for line in sys.stdin:
    args = line.split()
    if args[0] == "wait":
        print(os.waitpid(int(args[1]), 0)[1], flush=True)
        continue
    pid = os.fork()
    if pid == 0:  # the server: its own process group, stdout and stdin closed, stderr to the log
        os.setsid()
        null, log = os.open(os.devnull, os.O_RDWR), os.open(args[0], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(null, 0), os.dup2(null, 1), os.dup2(log, 2)
        sys.argv = ["kinetrace", *args[1:]]
        try:
            main()
        finally:
            os._exit(1)
    print(pid, flush=True)
"""


class Launcher:
    """Starts `kinetrace serve` many times fast: forks it from one interpreter that has imported Kinetrace.

    Each server is a new process running the real `serve` command from its arguments on (settings, migrations,
    start-up recovery, uvicorn); only the imports and the knowledge-base read are done once, so a crash loop
    spends its time crashing.
    """

    def __init__(self, data: Path) -> None:
        env = {
            **os.environ,
            "KINETRACE_ADMIN_EMAIL": ADMIN,
            "KINETRACE_ADMIN_PASSWORD": SECRET,
            "KINETRACE_COOKIE_SECURE": "false",
            "KINETRACE_ANALYSE_MEDIA": "false",
        }
        self._data = data
        self._zygote = subprocess.Popen(
            [sys.executable, "-c", _ZYGOTE], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.log = data.parent / "server.log"

    def _ask(self, line: str) -> str:
        assert self._zygote.stdin is not None and self._zygote.stdout is not None
        self._zygote.stdin.write(line + "\n")
        self._zygote.stdin.flush()
        answer = self._zygote.stdout.readline().strip()
        if not answer:
            raise RuntimeError("the server launcher died")
        return answer

    def start(self, *, database_url: str | None = None) -> int:
        """Start a server on a free port and wait until it answers; return the port."""
        port = free_port()
        args = ["serve", "--data-dir", str(self._data), "--port", str(port), "--workers", "1"]
        if database_url:
            args += ["--database-url", database_url]
        pid = int(self._ask(" ".join([str(self.log), *args])))
        self.pid = pid
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                return port
            except httpx.TransportError:
                if time.monotonic() > deadline or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                    self.kill()
                    raise RuntimeError(f"server did not start; see {self.log}") from None
                time.sleep(0.02)

    def kill(self) -> int:
        """SIGKILL the running server's whole process group; return its wait status."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        return int(self._ask(f"wait {self.pid}"))

    def close(self) -> None:
        """Stop the launcher."""
        assert self._zygote.stdin is not None
        self._zygote.stdin.close()
        self._zygote.wait(timeout=10)
