"""Issue 12 bar, against a real `kinetrace serve` over a socket: a chunked 100 MB POST is refused without the
server writing more than the limit anywhere (disk, temp files: counted as the bytes the process wrote, which
includes spooled files already unlinked), signed in or not."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import psutil
from live_server import Live, running, signed_in
from web_helpers import DEMO_CASE, png_bytes

_MB = 1 << 20
LIMIT_MB = 2


def _chunked_post(live: Live, path: str, *, total: int, headers: str = "") -> tuple[int, int, int]:
    """Stream a chunked multipart body of up to `total` bytes; return (status, bytes sent, bytes the server wrote)."""
    server = psutil.Process(live.proc.pid)
    written_before = server.io_counters().write_chars
    head = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + png_bytes()
    )
    answer = bytearray()
    with socket.create_connection(("127.0.0.1", live.port)) as sock:

        def read() -> None:
            while b"\r\n" not in answer:
                try:
                    data = sock.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                answer.extend(data)

        reader = threading.Thread(target=read)
        reader.start()
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            f"Content-Type: multipart/form-data; boundary=B\r\n{headers}\r\n".encode()
        )
        sock.settimeout(2)
        sent, chunk = 0, head + b"\0" * (_MB - len(head))
        while sent < total and reader.is_alive():
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:  # the server stopped reading (timeout) or closed the connection
                break
            sent += len(chunk)
            chunk = b"\0" * _MB
        reader.join(timeout=30)
    status = int(bytes(answer).split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    wrote = server.io_counters().write_chars - written_before
    print(f"{path}: status {status}, client sent {sent >> 20} MB, server wrote {wrote} bytes")
    return status, sent, wrote


def test_a_chunked_100_mb_post_to_a_real_server_is_refused_without_writing_past_the_limit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with running(data, env={"KINETRACE_MAX_UPLOAD_MB": str(LIMIT_MB)}) as live:
        status, sent, wrote = _chunked_post(live, "/assessments/1/media", total=100 * _MB)
        assert status == 403, status  # no session: refused before the body is read
        assert wrote < _MB // 4, f"the server wrote {wrote} bytes for an unauthenticated request"
        assert sent < 100 * _MB  # the client was stopped long before it sent everything

        client, csrf = signed_in(live)
        pid = client.post("/api/v1/patients", json={"display_name": "Big"}, headers=csrf).json()["id"]
        draft = client.post(
            f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}, headers=csrf
        ).json()["id"]
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        headers = f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf['X-CSRF-Token']}\r\n"
        status, sent, wrote = _chunked_post(
            live, f"/api/v1/assessments/{draft}/media", total=100 * _MB, headers=headers
        )
        assert status == 413, status
        # The upload limit is the file's LIMIT_MB plus 1 MB for the form around it; 64 KB for log and answer lines.
        assert wrote <= (LIMIT_MB + 1) * _MB + 64 * 1024, f"the server wrote {wrote} bytes past a {LIMIT_MB} MB limit"
        assert sent < 100 * _MB
        assert client.get(f"/api/v1/assessments/{draft}/media").json() == []
    assert [p.name for p in (data / "uploads").iterdir()] == []
