"""The view log: "who looked at what" lines are queued and written by one thread in small batches.

Changes are audited inside their own transaction (they commit or roll back together). Views are not changes:
writing one row per page view inside the request would make every page a database writer. Here a page view only
appends to a queue; a background thread writes the queue every half second and on shutdown.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy.orm import Session, sessionmaker

from kinetrace.storage import Scope, utcnow
from kinetrace.storage.audit import AuditEvent, record_events

__all__ = ["ViewLog"]

log = logging.getLogger(__name__)


class ViewLog:
    """Buffered writer of view audit lines."""

    def __init__(self, sessions: sessionmaker[Session], *, interval_s: float = 0.5) -> None:
        self._sessions = sessions
        self._interval_s = interval_s
        self._queue: queue.SimpleQueue[AuditEvent] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start writing in the background (the app's start-up does this); a second call does nothing."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(self._stop,), name="kt-view-log", daemon=True)
        self._thread.start()

    def viewed(
        self, scope: Scope, resource: str, resource_id: int | None, *, action: str = "view", detail: str = ""
    ) -> None:
        """Queue one view line."""
        self._queue.put(
            AuditEvent(
                clinic_id=scope.clinic_id,
                user_id=scope.user_id,
                action=action,
                resource=resource,
                resource_id=resource_id,
                at=utcnow(),
                detail=detail,
            )
        )

    def flush(self) -> None:
        """Write everything queued so far."""
        events: list[AuditEvent] = []
        while True:
            try:
                events.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if not events:
            return
        try:
            with self._sessions.begin() as db:
                record_events(db, events)
        except Exception:
            for event in events:  # keep them for the next try
                self._queue.put(event)
            raise

    def close(self) -> None:
        """Stop the thread after a last flush."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()

    def _loop(self, stop: threading.Event) -> None:
        while not stop.wait(self._interval_s):
            try:
                self.flush()
            except Exception:  # the log must never take the app down; the lines stay for the next try
                log.exception("could not write the view log")
