"""What repositories return: frozen records, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "AssessmentRecord",
    "AssessmentSummary",
    "AuditEntry",
    "ClinicRecord",
    "MediaRecord",
    "PatientRecord",
    "PlanRecord",
    "Role",
    "Scope",
    "ScreenLinkRecord",
    "UserRecord",
]

Role = Literal["clinician", "admin"]


@dataclass(frozen=True)
class Scope:
    """Who is asking: every repository call is limited to `clinic_id`."""

    clinic_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class ClinicRecord:
    """A clinic."""

    id: int
    name: str


@dataclass(frozen=True)
class UserRecord:
    """A user without their password hash."""

    id: int
    clinic_id: int
    email: str
    name: str
    role: Role
    is_active: bool
    session_version: int = 1


@dataclass(frozen=True)
class PatientRecord:
    """A patient; `display_name` is shown to the clinic only and never logged."""

    id: int
    display_name: str
    reference: str | None
    birth_year: int | None
    sex: str
    activity: str | None
    created_at: datetime
    archived_at: datetime | None = None


@dataclass(frozen=True)
class AssessmentRecord:
    """One stored assessment: the case as entered and, once complete, the result snapshot."""

    id: int
    patient_id: int
    origin: Literal["clinic", "self_screen"]
    status: Literal["draft", "referred", "complete", "submitted"]
    case_data: dict[str, Any]
    result_data: dict[str, Any] | None
    kb_version: str | None
    profile: str
    action_level: str | None
    is_released: bool
    version: int
    created_at: datetime
    completed_at: datetime | None
    acknowledged_at: datetime | None = None
    released_at: datetime | None = None
    archived_at: datetime | None = None


@dataclass(frozen=True)
class AssessmentSummary:
    """An assessment without its case and result: what a timeline shows."""

    id: int
    patient_id: int
    origin: str
    status: str
    action_level: str | None
    is_released: bool
    created_at: datetime
    completed_at: datetime | None
    version: int = 1
    kb_version: str | None = None
    released_at: datetime | None = None


@dataclass(frozen=True)
class MediaRecord:
    """An uploaded photo or video and its analysis state."""

    id: int
    assessment_id: int
    kind: Literal["photo", "video", "capture"]
    view: str
    movement_test: str | None
    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    status: Literal["queued", "running", "done", "failed"]
    progress: int
    error: str | None
    landmarks: dict[str, Any] | None
    edited_landmarks: dict[str, Any] | None
    findings: dict[str, Any] | None
    warnings: list[str] | None
    created_at: datetime
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class PlanRecord:
    """The stored plan of one assessment."""

    id: int
    assessment_id: int
    items: list[dict[str, Any]]
    clinician_note: str
    approved_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class ScreenLinkRecord:
    """A self-screen link (the token itself is never stored)."""

    id: int
    patient_id: int
    expires_at: datetime
    used_at: datetime | None
    assessment_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    """One audit-log line."""

    id: int
    user_id: int | None
    action: str
    resource: str
    resource_id: int | None
    detail: str
    at: datetime
