"""One router per resource; pages render HTML, `api` routers serve the JSON API under /api/v1."""

from fastapi import APIRouter

from kinetrace.web.routes import (
    assessments,
    auth,
    captures,
    inbox,
    links,
    media,
    patients,
    plans,
    progress,
    results,
    users,
    wizard,
)

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
    captures.pages,
    captures.api,
    links.pages,
    links.api,
    progress.pages,
    progress.api,
    users.pages,
    users.api,
    inbox.pages,
    inbox.api,
    plans.pages,
    plans.api,
)
