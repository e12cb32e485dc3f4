"""Pure ASGI middleware (cheaper than Starlette's BaseHTTPMiddleware): body-size limit and security headers."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityMiddleware"]

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


class SecurityMiddleware:
    """Refuse bodies declared larger than `body_limit` (413) and add security headers to every response."""

    def __init__(self, app: ASGIApp, *, body_limit: int, limit_mb: int) -> None:
        self.app = app
        self.body_limit = body_limit
        self.limit_mb = limit_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, refusing a body larger than the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.body_limit:
            await self._too_large(send)
            return
        is_docs = scope["path"].startswith(("/docs", "/redoc"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in (*_HEADERS, *(() if is_docs else (_CSP,))) if h[0] not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _too_large(self, send: Send) -> None:
        text = f"file: larger than {self.limit_mb} MB; send a smaller photo or video."
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
                    *_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})
