"""A real `kinetrace serve --demo` process for the browser tests, plus a second clinic for isolation checks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
# Launch arguments measured to work on this machine kind (research/tech.md §5).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OTHER_EMAIL, OTHER_PASSWORD = "other@elsewhere.clinic", "other-clinic-password"


@dataclass(frozen=True)
class Server:
    """A running server and what the tests need to know about it."""

    url: str
    data_dir: Path


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_data(data_dir: Path) -> None:
    """Seed the demo clinic and add a second clinic with one clinician."""
    from kinetrace.knowledge import load_knowledge
    from kinetrace.storage import clinics as clinic_repo
    from kinetrace.web.app import create_app
    from kinetrace.web.config import WebSettings
    from kinetrace.web.demo import seed_demo
    from kinetrace.web.security import hash_password

    kb = load_knowledge()
    app = create_app(WebSettings(data_dir=data_dir), kb=kb)
    state = app.state.kt
    seed_demo(state.sessions, kb)
    with state.sessions.begin() as db:
        other = clinic_repo.create_clinic(db, "Elsewhere clinic")
        clinic_repo.create_user(
            db,
            other.id,
            email=OTHER_EMAIL,
            name="Olga Other",
            role="clinician",
            password_hash=hash_password(OTHER_PASSWORD),
        )
    state.engine.dispose()


@contextmanager
def running_server(data_dir: Path) -> Iterator[Server]:
    """Run `kinetrace serve --demo` on a free port until the block ends."""
    port = free_port()
    log = (data_dir / "server.log").open("w")
    cmd = [
        sys.executable,
        "-c",
        "from kinetrace.cli.app import main; main()",
        "serve",
        "--demo",
        "--data-dir",
        str(data_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    # A process group of its own, so the server's worker processes can be stopped with it.
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/login", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {data_dir / 'server.log'}") from None
                time.sleep(0.2)
        yield Server(url=url, data_dir=data_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def real_photo(out: Path) -> Path:
    """Write one real frame (a person standing, front view) from the Pose2Sim demo footage as a JPEG."""
    import cv2

    cache = Path(os.environ.get("KT_CACHE", ROOT / ".cache"))
    video = cache / "media" / "pose2sim" / "Demo_SinglePerson" / "videos" / "cam01.mp4"
    if not video.is_file():
        raise RuntimeError(f"{video} is missing: run scripts/setup.d/40-media.sh (scripts/test-all does).")
    cap = cv2.VideoCapture(str(video))
    # Frame 0 passes every capture gate with a margin (trunk 6° from upright against a 12° bound), so the
    # landmark drag in the browser test cannot tip it into a refusal; frame 5 sat at 9–12°.
    cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    ok, frame = cap.read()
    cap.release()
    if not ok:
        raise RuntimeError(f"could not read a frame from {video}")
    cv2.imwrite(str(out), frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return out
