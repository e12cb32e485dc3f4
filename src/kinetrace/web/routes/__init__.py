"""One router per resource; pages render HTML, `api` routers serve the JSON API under /api/v1."""

from fastapi import APIRouter

from kinetrace.web.routes import assessments, auth, links, media, patients, progress, results, users, wizard

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    auth.pages,
    auth.api,
    patients.pages,
    patients.api,
    wizard.pages,
    results.pages,
    assessments.api,
    media.pages,
    media.api,
    links.pages,
    links.api,
    progress.pages,
    progress.api,
    users.pages,
    users.api,
)
