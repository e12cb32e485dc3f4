"""Build the clinic web app: FastAPI with server-rendered pages, a JSON API under /api/v1, and OpenAPI docs."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from kinetrace.storage import make_engine, make_session_factory, migrate, sqlite_url
from kinetrace.web.audit_buffer import ViewLog
from kinetrace.web.config import WebSettings, load_secret_key
from kinetrace.web.errors import install_error_handlers
from kinetrace.web.inbox import InboxAlerts, alert_count
from kinetrace.web.middleware import SecurityMiddleware
from kinetrace.web.security import new_csrf_token
from kinetrace.web.state import AppState
from kinetrace.web.user_cache import UserCache
from kinetrace.web.view import install_filters

if TYPE_CHECKING:
    from kinetrace.knowledge.load import KnowledgeBase

__all__ = ["app_from_environment", "create_app"]

_HERE = Path(__file__).parent
_WORKER_THREADS = 8


def _csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return str(token)


def _private_dir(path: Path) -> None:
    """Create `path` readable only by this user (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def _private_files(folder: Path, pattern: str) -> None:
    for path in folder.glob(pattern):
        if path.is_file():
            path.chmod(0o600)


def _build_state(settings: WebSettings, kb: KnowledgeBase | None) -> AppState:
    # Patient data: the folder is ours alone (0700) and the database file 0600 before SQLite first opens it
    # (SQLite gives its -wal and -shm files the database file's permissions).
    _private_dir(settings.data_dir)
    url = settings.database_url or sqlite_url(settings.data_dir)
    if not settings.database_url:
        database = settings.data_dir / "kinetrace.sqlite3"
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
        _private_files(settings.data_dir, "kinetrace.sqlite3*")
    engine = make_engine(url)
    migrate(engine)
    reader = make_engine(url, for_writing=False) if url.startswith("sqlite") else engine
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals["csrf_token"] = _csrf_token
    templates.env.globals["inbox_alerts"] = alert_count
    templates.env.auto_reload = False
    install_filters(templates.env)
    uploads = settings.data_dir / "uploads"
    _private_dir(uploads)
    _private_dir(settings.data_dir / "previews")
    _private_files(settings.data_dir, "kinetrace.sqlite3*")
    sessions = make_session_factory(engine)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=sessions,
        read_sessions=make_session_factory(reader),
        view_log=ViewLog(sessions),
        users=UserCache(make_session_factory(reader), settings.data_dir / "users.stamp"),
        inbox_alerts=InboxAlerts(make_session_factory(reader)),
        write_gate=asyncio.Lock() if url.startswith("sqlite") else contextlib.nullcontext(),
        templates=templates,
        uploads_dir=uploads,
        _kb=kb,
    )


def create_app(
    settings: WebSettings | None = None,
    *,
    kb: KnowledgeBase | None = None,
    recover: bool = True,
    freeze_heap: bool = False,
) -> FastAPI:
    """Return the app: migrates the database, starts the media job runner, mounts pages, API and static files.

    With `recover` (one server process), start-up also clears half-written uploads and requeues interrupted
    analyses; with several processes the parent does that once before they start (`kinetrace serve`).
    With `freeze_heap` (a server process, not tests that build many apps), what start-up loaded is moved out of
    the garbage collector's reach (see `_freeze_heap`).
    """
    settings = settings or WebSettings()
    state = _build_state(settings, kb)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from kinetrace.web.jobs import MediaJobs, recover_after_crash

        # Few worker threads for sync routes: with two cores, more threads only fight over the GIL. Writers wait
        # at the write gate in the event loop, so they never hold a thread while queueing.
        anyio.to_thread.current_default_thread_limiter().total_tokens = _WORKER_THREADS
        state.jobs = MediaJobs(state)
        if recover:
            recover_after_crash(state)
        state.jobs.resume_queued()
        state.view_log.start()
        if freeze_heap:
            _freeze_heap()
        try:
            yield
        finally:
            state.jobs.shutdown()
            state.view_log.close()
            state.engine.dispose()
            state.read_sessions.kw["bind"].dispose()

    app = FastAPI(
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        title="Kinetrace clinic",
        version="1",
        lifespan=lifespan,
        description="Clinic web app and JSON API: patients, assessments, media, plans, progress, "
        "self-screen links. Authenticate with POST /api/v1/session; send X-CSRF-Token on writes.",
    )
    app.state.kt = state
    app.add_middleware(
        SessionMiddleware,
        secret_key=load_secret_key(settings),
        session_cookie="kt_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.cookie_secure,
    )

    # The largest file plus room for the other form fields.
    app.add_middleware(
        SecurityMiddleware, body_limit=(settings.max_upload_mb + 1) << 20, limit_mb=settings.max_upload_mb
    )
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    _offline_docs(app, public=settings.docs_public)
    from kinetrace.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    return app


def _freeze_heap() -> None:
    # A full garbage collection walks every tracked object and stops every request of the process meanwhile:
    # with the knowledge base, compiled models and templates loaded that took 60-250 ms here, a p95 spike under
    # load. Objects alive after start-up live as long as the process, so they are frozen out of collections.
    gc.collect()
    gc.freeze()


def _offline_docs(app: FastAPI, *, public: bool) -> None:
    # The interactive API docs, served from the swagger-ui-bundle package: a clinic may have no internet access.
    # Docs and schema need a signed-in user unless the `docs_public` setting says otherwise.
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse, JSONResponse

    from kinetrace.web.deps import SignedIn

    app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")
    guard = [] if public else [SignedIn]

    @app.get("/openapi.json", include_in_schema=False, dependencies=guard)
    async def _schema() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=guard)
    async def _docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Kinetrace API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )


def app_from_environment() -> FastAPI:
    """Build the app of one server process from `KINETRACE_*` settings (`kinetrace serve --workers N`).

    The parent process has migrated, recovered and created the session key before the workers start.
    """
    return create_app(WebSettings(), recover=False, freeze_heap=True)
