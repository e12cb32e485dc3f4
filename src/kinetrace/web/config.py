"""Settings of the clinic web app, read from `KINETRACE_*` environment variables and validated at start-up."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["WebSettings", "load_secret_key"]


class WebSettings(BaseSettings):
    """Every setting of `kinetrace serve`; each can be set as `KINETRACE_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="KINETRACE_", frozen=True)

    data_dir: Path = Field(Path("kinetrace-data"), description="folder for the SQLite database and uploads")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite (WAL) in data_dir")
    secret_key: str | None = Field(None, description="session signing key; default a random key kept in data_dir")
    cookie_secure: bool = Field(True, description="send the session cookie only over HTTPS (and localhost)")
    session_max_age_s: int = Field(8 * 3600, ge=300, description="sign-in lifetime in seconds")
    max_upload_mb: int = Field(25, ge=1, le=500, description="largest accepted photo or video, in MB")
    link_valid_hours: int = Field(72, ge=1, le=24 * 30, description="how long a self-screen link stays valid")
    sign_in_attempts: int = Field(
        5, ge=1, description="failed sign-ins to one account from one client before the wait starts doubling"
    )
    sign_in_window_s: int = Field(
        900, ge=10, description="how long failures are remembered, and the longest wait, in s"
    )
    sign_in_backoff_s: float = Field(
        2.0, gt=0, le=60, description="first wait after the allowance; doubles per failure"
    )
    public_url: str = Field(
        "http://localhost:8000",
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="address patients open self-screen links at (never taken from the request's Host header)",
    )
    docs_public: bool = Field(False, description="serve /docs and /openapi.json without signing in")
    result_valid_days: int = Field(
        90, ge=1, le=3650, description="days a released result stays readable through its link, after release"
    )
    max_image_pixels: int = Field(
        50_000_000, ge=1_000_000, description="largest photo (width × height) the app decodes to show a preview"
    )
    analyse_media: bool = Field(True, description="run pose analysis on uploaded photos in the background")
    profile: str = Field("evidence", pattern="^(evidence|seed)$", description="reasoning profile for assessments")


def load_secret_key(settings: WebSettings) -> str:
    """Return the configured key, or one kept in `data_dir/secret_key` (created once, readable only by us)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.chmod(0o600)
    tmp.replace(path)
    return key
