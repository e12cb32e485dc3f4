"""What the app holds while it runs: settings, database, knowledge base, templates, caches and job runner.

One `AppState` is built by `create_app` and kept on `app.state.kt`; nothing lives in module globals.
"""

from __future__ import annotations

import threading
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kinetrace.web.audit_buffer import ViewLog
from kinetrace.web.config import WebSettings
from kinetrace.web.fragments import FragmentCache
from kinetrace.web.inbox import InboxAlerts
from kinetrace.web.progress import ProgressCache
from kinetrace.web.user_cache import UserCache

if TYPE_CHECKING:
    from kinetrace.knowledge.load import KnowledgeBase
    from kinetrace.web.jobs import MediaJobs

__all__ = ["AppState"]


@dataclass
class AppState:
    """Long-lived objects of one running app.

    `sessions` open write transactions (on SQLite: BEGIN IMMEDIATE); `read_sessions` serve GET requests.
    """

    settings: WebSettings
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    templates: Jinja2Templates
    uploads_dir: Path
    view_log: ViewLog
    users: UserCache
    write_gate: AbstractAsyncContextManager[Any]
    progress_cache: ProgressCache = field(default_factory=ProgressCache)
    fragments: FragmentCache = field(default_factory=FragmentCache)
    inbox_alerts: InboxAlerts | None = None
    jobs: MediaJobs | None = None
    _kb: KnowledgeBase | None = None
    _kb_lock: threading.Lock = field(default_factory=threading.Lock)

    def kb(self) -> KnowledgeBase:
        """Return the knowledge base, loading it once on first use (start-up preloads it)."""
        if self._kb is None:
            with self._kb_lock:
                if self._kb is None:
                    from kinetrace.knowledge import load_knowledge

                    self._kb = load_knowledge()
        return self._kb
