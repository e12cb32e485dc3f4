"""Self-screen inbox helpers: triage order, and the per-clinic count of unacknowledged urgent self-screens that
every page shows in its header (cached for a few seconds, dropped at once when this process changes it)."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kinetrace.storage import Scope
from kinetrace.storage import inbox as inbox_repo
from kinetrace.values import ActionLevel

__all__ = ["ALERT_LEVELS", "InboxAlerts", "alert_count", "triage_rank"]

# Self-screens at these levels are flagged on every page until a clinician acknowledges them.
ALERT_LEVELS = (ActionLevel.EMERGENCY_REFERRAL.value, ActionLevel.URGENT_REFERRAL.value)
_ORDER = {level.value: i for i, level in enumerate(ActionLevel)}


def triage_rank(action_level: str | None) -> int:
    """Return the sort position of a triage level: emergency first, unknown (not yet screened) last."""
    return _ORDER.get(action_level or "", len(_ORDER))


class InboxAlerts:
    """Counts of unacknowledged urgent self-screens per clinic, cached for `ttl_s` seconds."""

    def __init__(self, sessions: sessionmaker[Session], *, ttl_s: float = 1.0) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._entries: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def count(self, clinic_id: int) -> int:
        """Return the clinic's number of unacknowledged urgent or emergency self-screens."""
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(clinic_id)
        if hit is not None and now - hit[0] < self._ttl_s:
            return hit[1]
        with self._sessions() as session:
            value = inbox_repo.count_unacknowledged(session, Scope(clinic_id), action_levels=ALERT_LEVELS)
        with self._lock:
            self._entries[clinic_id] = (now, value)
        return value

    def forget(self, clinic_id: int) -> None:
        """Drop a clinic's cached count after a self-screen arrived or was acknowledged."""
        with self._lock:
            self._entries.pop(clinic_id, None)


def alert_count(request: Any, user: Any) -> int:
    """Template global: the signed-in user's clinic's unacknowledged urgent self-screens."""
    if user is None:
        return 0
    alerts: InboxAlerts = request.app.state.kt.inbox_alerts
    return alerts.count(int(user.clinic_id))
