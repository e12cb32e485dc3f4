"""Short write transactions for slow work: read and compute in a read transaction, then write briefly.

SQLite has one writer at a time, so a route that assesses inside its write transaction holds every other writer
back while it computes. Routes with slow work (`POST /api/v1/patients/{id}/assessments`) instead compute in a
worker thread on a read session and then take the write gate only for the inserts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kinetrace.web.state import AppState

__all__ = ["read", "write"]

T = TypeVar("T")


async def read(state: AppState, work: Callable[[Session], T]) -> T:
    """Return `work(session)` run in a worker thread on a read session (never takes the write lock)."""

    def run() -> T:
        with state.read_sessions() as session:
            return work(session)

    return await run_in_threadpool(run)


async def write(state: AppState, work: Callable[[Session], T]) -> T:
    """Return `work(session)` run in one write transaction (committed, or rolled back on any error); writers
    queue at the write gate in the event loop, not in worker threads."""

    def run() -> T:
        with state.sessions.begin() as session:
            return work(session)

    async with state.write_gate:
        return await run_in_threadpool(run)
