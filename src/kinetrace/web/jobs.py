"""Background analysis of uploaded photos: one worker thread, progress stored on the media row.

On start-up, media whose analysis was queued or cut off by a restart are queued again, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from kinetrace.errors import InputError
from kinetrace.storage import media as media_repo
from kinetrace.storage.tables import MediaRow
from kinetrace.web.analysis import analyse_capture, analyse_clip, analyse_photo
from kinetrace.web.uploads import remove_partial_files

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session, sessionmaker

    from kinetrace.web.config import WebSettings

__all__ = ["MediaJobs", "recover_after_crash"]

log = logging.getLogger(__name__)


class AppState(Protocol):
    """What the jobs read from `web.state.AppState` (named here so the state imports the jobs, never the reverse)."""

    @property
    def settings(self) -> WebSettings:
        """The web settings."""

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Write sessions."""

    @property
    def read_sessions(self) -> sessionmaker[Session]:
        """Read-only sessions."""

    @property
    def uploads_dir(self) -> Path:
        """Where uploads are stored."""


def recover_after_crash(state: AppState) -> None:
    """Remove half-written uploads and queue again every analysis a stop or crash cut off.

    Run once at start-up, before any server process takes requests (it deletes files no row points at).
    """
    from sqlalchemy import select

    with state.sessions.begin() as db:
        keep = set(db.scalars(select(MediaRow.stored_name)))
        removed = remove_partial_files(state.uploads_dir, keep=keep, previews=state.settings.data_dir / "previews")
        media_repo.requeue_interrupted(db)
    if removed:
        log.info("removed %d unfinished upload file(s)", removed)


class MediaJobs:
    """Runs photo analysis off the request threads, one file at a time (the pose model uses several cores)."""

    def __init__(self, state: AppState) -> None:
        self._state = state
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kt-media")

    def submit(self, media_id: int) -> None:
        """Queue one media row for analysis."""
        if self._state.settings.analyse_media:
            self._pool.submit(self._run, media_id)

    def resume_queued(self) -> None:
        """Submit every queued analysis; with several server processes each row is still analysed once (claim)."""
        with self._state.read_sessions() as db:
            ids = media_repo.list_queued(db)
        for media_id in ids:
            self.submit(media_id)

    def shutdown(self) -> None:
        """Stop taking work; a running analysis is left queued and resumes on the next start."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _progress(self, media_id: int) -> Callable[[float], None]:
        """Store a running analysis' share of work done (10–95 %) on its row, for the page to show."""

        def report(share: float) -> None:
            with self._state.sessions.begin() as db:
                media_repo.set_progress(db, media_id, status="running", progress=10 + int(85 * min(share, 1.0)))

        return report

    def _run(self, media_id: int) -> None:
        sessions = self._state.sessions
        with sessions.begin() as db:
            if not media_repo.claim_for_analysis(db, media_id):
                return  # already analysed, or taken by another run
            row = db.get(MediaRow, media_id)
            if row is None:
                return
            path, view, name, kind = self._state.uploads_dir / row.stored_name, row.view, row.original_name, row.kind
            movement_test = row.movement_test
            edited = row.edited_landmarks
        try:
            if kind == "capture":
                outcome = analyse_capture(path, progress=self._progress(media_id))
            elif kind == "video":
                if not movement_test:
                    raise InputError(
                        name,
                        None,
                        message=f"{name}: stored; choose the movement test it shows "
                        "and upload it again to have it analysed.",
                    )
                outcome = analyse_clip(path, test=movement_test, original_name=name)
            else:
                outcome = analyse_photo(path, view=view, original_name=name, edited=edited)
        except InputError as exc:
            with sessions.begin() as db:
                media_repo.save_analysis(db, media_id, landmarks=None, findings=None, error=exc.message)
            return
        except Exception:
            log.exception("photo analysis failed for media %d", media_id)
            with sessions.begin() as db:
                media_repo.save_analysis(
                    db,
                    media_id,
                    landmarks=None,
                    findings=None,
                    error="The analysis failed; enter the measurements by hand.",
                )
            return
        with sessions.begin() as db:
            media_repo.save_analysis(
                db, media_id, landmarks=outcome.landmarks, findings=outcome.findings, warnings=outcome.warnings
            )
