"""One place that maps errors to responses (STYLE §7): JSON for `/api`, a short page for browsers.

InputError → 422, NotFoundError → 404, ConflictError → 409, anything else → 500 with only a reference id
(the traceback goes to the server log). Every JSON error has the shape
`{"ok": false, "errors": [{"field": ..., "message": ...}]}`.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from kinetrace.errors import ConflictError, InputError, KinetraceError, NotFoundError
from kinetrace.web.deps import CsrfRejected, Forbidden, SignInRequired

__all__ = ["error_body", "install_error_handlers", "problems_of"]

log = logging.getLogger(__name__)


def problems_of(exc: InputError) -> list[dict[str, str]]:
    """Return `[{field, message}]` for every problem an InputError gathered."""
    out = []
    for text in exc.problems:
        head, sep, _ = text.partition(": ")
        field = head if sep and " " not in head.strip() else exc.field
        out.append({"field": field, "message": text})
    return out


def error_body(errors: list[dict[str, str]]) -> dict[str, Any]:
    """Return the canonical error JSON body."""
    return {"ok": False, "errors": errors}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", "")


def _respond(request: Request, status: int, errors: list[dict[str, str]], *, title: str) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(errors), status_code=status)
    templates: Jinja2Templates = request.app.state.kt.templates
    return templates.TemplateResponse(request, "error.html", {"title": title, "errors": errors}, status_code=status)


def _status_of(exc: KinetraceError) -> tuple[int, str]:
    if isinstance(exc, NotFoundError):
        return 404, "Not found"
    if isinstance(exc, InputError):
        return 422, "Please check your input"
    if isinstance(exc, ConflictError):
        return 409, "Conflict"
    return 500, "Server error"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(KinetraceError)
    async def _kinetrace(request: Request, exc: KinetraceError) -> Response:
        status, title = _status_of(exc)
        if status == 500:
            return await _unexpected(request, exc)
        if isinstance(exc, NotFoundError):  # never echo what was looked up in another clinic
            errors = [{"field": exc.field, "message": f"{exc.field}: not found."}]
        elif isinstance(exc, InputError):
            errors = problems_of(exc)
        else:
            errors = [{"field": "", "message": str(exc)}]
        return _respond(request, status, errors, title=title)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form"))
            errors.append({"field": loc, "message": f"{loc}: {err.get('msg', 'invalid value')}."})
        return _respond(request, 422, errors, title="Please check your input")

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if _wants_json(request):
            return JSONResponse(error_body([{"field": "session", "message": "Sign in first."}]), status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        errors = [{"field": "csrf_token", "message": "csrf_token: missing or stale; reload the page and retry."}]
        return _respond(request, 403, errors, title="Form expired")

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        errors = [{"field": "role", "message": "role: this needs an admin account."}]
        return _respond(request, 403, errors, title="Not allowed")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        errors = [{"field": "", "message": str(exc.detail)}]
        response = _respond(request, exc.status_code, errors, title=str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        ref = uuid.uuid4().hex[:10]
        log.error("unexpected error ref=%s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        errors = [{"field": "", "message": f"Something went wrong on our side (reference {ref})."}]
        return _respond(request, 500, errors, title="Server error")
