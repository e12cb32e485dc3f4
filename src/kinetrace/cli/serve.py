"""`kinetrace serve`: run the clinic web app (SQLite in a data folder by default, PostgreSQL by URL)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from kinetrace.errors import InputError

__all__ = ["register"]

_HELP = """Run the clinic web app.

Examples:

  kinetrace serve --demo    (a demo clinic; sign in as clinician@demo.kinetrace with password demo-password)

  KINETRACE_ADMIN_EMAIL=me@clinic.org KINETRACE_ADMIN_PASSWORD=... kinetrace serve --data-dir /srv/kinetrace

The first start asks for the clinic name and the first admin, or reads KINETRACE_CLINIC_NAME, \
KINETRACE_ADMIN_EMAIL and KINETRACE_ADMIN_PASSWORD. Other settings are KINETRACE_* environment variables \
(all listed in the README, "Settings of the web app"), among them:

  KINETRACE_PUBLIC_URL: address patients open self-screen links at (never taken from the request)

  KINETRACE_DOCS_PUBLIC: true serves /docs and /openapi.json without signing in (default false)

  KINETRACE_RESULT_VALID_DAYS: days a released result stays readable through its link (default 90)

  KINETRACE_MAX_IMAGE_PIXELS: largest photo, width × height, decoded for a preview; bigger ones show a placeholder \
(default 50000000)

  KINETRACE_SIGN_IN_ATTEMPTS, KINETRACE_SIGN_IN_BACKOFF_S, KINETRACE_SIGN_IN_WINDOW_S: failed sign-ins to one \
account from one client before the wait starts (5), the first wait in s (2, doubling per failure), and how long \
failures are remembered and the longest wait in s (900)

  KINETRACE_MAX_UPLOAD_MB, KINETRACE_LINK_VALID_HOURS, KINETRACE_COOKIE_SECURE, KINETRACE_SESSION_MAX_AGE_S

Off a loopback address, run it behind an HTTPS proxy and set KINETRACE_PUBLIC_URL: session cookies are then \
marked Secure.
"""


def _first_admin(sessions: object, *, interactive: bool) -> None:
    from kinetrace.storage import clinics as clinic_repo
    from kinetrace.web.passwords import check_password
    from kinetrace.web.security import hash_password

    with sessions.begin() as db:  # type: ignore[attr-defined]
        if clinic_repo.count_users(db):
            return
    email = os.environ.get("KINETRACE_ADMIN_EMAIL", "")
    password = os.environ.get("KINETRACE_ADMIN_PASSWORD", "")
    clinic = os.environ.get("KINETRACE_CLINIC_NAME", "")
    if not (email and password):
        if not interactive:
            raise InputError(
                "KINETRACE_ADMIN_EMAIL",
                None,
                "the first admin's email and password in "
                "KINETRACE_ADMIN_EMAIL and KINETRACE_ADMIN_PASSWORD, or run in a terminal",
            )
        typer.echo("First start: create the clinic and its first admin.", err=True)
        clinic = clinic or typer.prompt("Clinic name")
        email = email or typer.prompt("Admin email")
        password = password or typer.prompt("Admin password", hide_input=True, confirmation_prompt=True)
    check_password(password, email=email, field="KINETRACE_ADMIN_PASSWORD")
    with sessions.begin() as db:  # type: ignore[attr-defined]
        created = clinic_repo.create_clinic(db, clinic or "My clinic")
        clinic_repo.create_user(
            db, created.id, email=email, name=email, role="admin", password_hash=hash_password(password)
        )
    typer.echo(f"Created admin {email}.", err=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    data_dir: Path | None = typer.Option(
        None, help="Folder for the database and uploads (default: kinetrace-data, or kinetrace-demo with --demo)."
    ),
    database_url: str | None = typer.Option(None, help="SQLAlchemy URL, e.g. postgresql+psycopg://u@host/db."),
    demo: bool = typer.Option(False, "--demo", help="Seed a demo clinic with users and patients."),
    workers: int = typer.Option(
        min(2, os.cpu_count() or 1),
        min=1,
        max=32,
        help="Server processes (one per core is a good start; measured on 2 cores, four were slower than two).",
        show_default=False,
    ),
) -> None:
    """Run the clinic web app (see the examples above)."""
    import uvicorn

    from kinetrace.knowledge import load_knowledge
    from kinetrace.web.app import create_app
    from kinetrace.web.config import WebSettings
    from kinetrace.web.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo

    overrides: dict[str, object] = {}
    if data_dir is not None or demo:
        overrides["data_dir"] = data_dir or Path("kinetrace-demo")
    if database_url:
        overrides["database_url"] = database_url
    loopback = host in ("127.0.0.1", "localhost", "::1")
    if loopback and "KINETRACE_COOKIE_SECURE" not in os.environ:
        # Plain http on this machine only: some browsers drop Secure cookies there, and nothing leaves the host.
        overrides["cookie_secure"] = False
    if loopback and "KINETRACE_PUBLIC_URL" not in os.environ:
        overrides["public_url"] = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}"
    settings = WebSettings(**overrides)  # type: ignore[arg-type]
    kb = load_knowledge()
    app = create_app(settings, kb=kb, recover=workers == 1, freeze_heap=workers == 1)
    sessions = app.state.kt.sessions
    if demo:
        if seed_demo(sessions, kb, profile=settings.profile):
            typer.echo("Seeded the demo clinic.", err=True)
        typer.echo(f"Sign in as {DEMO_USERS[1][0]} (or {DEMO_USERS[0][0]}) with password {DEMO_PASSWORD}", err=True)
    else:
        _first_admin(sessions, interactive=os.isatty(0))
    typer.echo(f"Kinetrace clinic at http://{host}:{port}/  (API docs at /docs)", err=True)
    if not loopback and "KINETRACE_PUBLIC_URL" not in os.environ:
        typer.echo(f"Self-screen links point at {settings.public_url}; set KINETRACE_PUBLIC_URL.", err=True)
    if not settings.cookie_secure:
        typer.echo(
            "Session cookies are not marked Secure on a loopback address; elsewhere serve behind HTTPS.", err=True
        )
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    _run_workers(app, host=host, port=port, workers=workers)


def _run_workers(app: object, *, host: str, port: int, workers: int) -> None:
    # Several processes share the database: this parent prepares it once (migrated above, session key created,
    # half-written uploads cleared, interrupted analyses requeued), then each worker builds the app from the
    # environment.
    import uvicorn

    from kinetrace.web.jobs import recover_after_crash

    state = app.state.kt  # type: ignore[attr-defined]
    recover_after_crash(state)
    state.engine.dispose()
    os.environ["KINETRACE_DATA_DIR"] = str(state.settings.data_dir.resolve())
    os.environ["KINETRACE_COOKIE_SECURE"] = "true" if state.settings.cookie_secure else "false"
    os.environ["KINETRACE_PUBLIC_URL"] = state.settings.public_url
    if state.settings.database_url:
        os.environ["KINETRACE_DATABASE_URL"] = state.settings.database_url
    uvicorn.run(
        "kinetrace.web.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


def register(app: typer.Typer) -> None:
    """Add `serve` to the CLI."""
    app.command("serve", help=_HELP)(serve)
