"""Pure ASGI middleware (cheaper than Starlette's BaseHTTPMiddleware): body-size limits, security headers and
`Cache-Control: no-store`.

Body limits hold for the bytes actually received, not only the declared Content-Length: a chunked body is
counted as it streams in, and the request is refused (413) as soon as it passes its path's limit, so no more than
the limit is ever read, parsed or spooled to disk.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyTooLarge", "SecurityMiddleware"]

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
_CSP = (
    b"content-security-policy",
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"script-src 'self'; frame-ancestors 'none'; form-action 'self'",
)
_NO_STORE = (b"cache-control", b"no-store")
_CACHEABLE = ("/static/", "/docs-static/")
# Photo and video uploads; the self-screen form carries up to three photos.
_UPLOAD_PATHS = re.compile(r"^(/api/v1)?/assessments/\d+/media$")
_SELF_SCREEN = re.compile(r"^/s/[^/]+$")
_SELF_SCREEN_FILES = 3
# A multi-camera 3-D capture: up to eight videos (`web.captures.MAX_CAMERAS`) and a small calibration and sync file.
_CAPTURE_PATHS = re.compile(r"^(/api/v1)?/assessments/\d+/captures$")
_CAPTURE_FILES = 9
_FORM_LIMIT = 1 << 20
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_OPEN_WRITES = frozenset({"/api/v1/session"})  # sign-in through the API: JSON credentials, no session yet


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the streamed body passes the limit of its path."""

    def __init__(self, limit_mb: int) -> None:
        super().__init__(413, f"file: larger than {limit_mb} MB; send a smaller photo or video.")


class SecurityMiddleware:
    """Limit request bodies (declared or streamed), add security headers and keep answers out of caches."""

    def __init__(self, app: ASGIApp, *, body_limit: int, limit_mb: int, session_cookie: str = "kt_session") -> None:
        self.app = app
        self.body_limit = body_limit
        self.limit_mb = limit_mb
        self.session_cookie = session_cookie.encode()

    def _has_session_cookie(self, scope: Scope) -> bool:
        cookies = b";".join(v for k, v in scope["headers"] if k == b"cookie")
        return any(part.strip().startswith(self.session_cookie + b"=") for part in cookies.split(b";"))

    def _limit(self, path: str) -> int:
        if _UPLOAD_PATHS.match(path):
            return self.body_limit
        if _SELF_SCREEN.match(path):
            return self.body_limit * _SELF_SCREEN_FILES
        if _CAPTURE_PATHS.match(path):
            return self.body_limit * _CAPTURE_FILES
        return _FORM_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, refusing a body larger than the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self._limit(path)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        if scope["method"] in _UNSAFE and path not in _OPEN_WRITES and not self._has_session_cookie(scope):
            # Without a session there is no CSRF token to match: refuse before a byte of the body is read.
            await self._refuse_without_session(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(max(1, limit >> 20))
            return message

        is_docs = path.startswith(("/docs", "/redoc", "/openapi"))
        is_cacheable = path.startswith(_CACHEABLE)

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                wanted = (*_HEADERS, *(() if is_docs else (_CSP,)), *(() if is_cacheable else (_NO_STORE,)))
                extra = [h for h in wanted if h[0] not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if started:
                raise
            await self._too_large(send, limit)

    async def _refuse_without_session(self, send: Send) -> None:
        message = "csrf_token: missing or stale; reload the page and retry."
        data = json.dumps({"ok": False, "errors": [{"field": "csrf_token", "message": message}]}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                    _NO_STORE,
                    *_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})

    async def _too_large(self, send: Send, limit: int) -> None:
        text = f"file: larger than {max(1, limit >> 20)} MB; send a smaller photo or video."
        body: dict[str, Any] = {"ok": False, "errors": [{"field": "file", "message": text}]}
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                    _NO_STORE,
                    *_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})
