"""SQLAlchemy 2 tables: clinic, user, patient, assessment, measurement, media, plan, screen link, audit log.

Every row that holds patient data carries `clinic_id`, and repositories filter on it in every query, so an id
copied from another clinic finds nothing. Column types are portable: SQLite and PostgreSQL behave alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "AssessmentRow",
    "AuditRow",
    "Base",
    "ClinicRow",
    "MeasurementRow",
    "MediaRow",
    "PatientRow",
    "PlanRow",
    "ScreenLinkRow",
    "SignInFailureRow",
    "UserRow",
]


class Base(DeclarativeBase):
    """Declarative base of every Kinetrace table."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime()}


class ClinicRow(Base):
    """A clinic: the boundary of all data access."""

    __tablename__ = "clinic"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class UserRow(Base):
    """A clinician or admin who signs in."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime]


class PatientRow(Base):
    """A patient of one clinic."""

    __tablename__ = "patient"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    activity: Mapped[str | None] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(String(400), index=True)
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]


class AssessmentRow(Base):
    """One visit: its case, the stored result snapshot, and the knowledge-base version and profile used.

    `status` is `draft` while the wizard runs, `referred` when a red flag stopped it, `complete` once
    the result snapshot was written. Snapshot and status change in one transaction, so a complete row always
    has a result.
    """

    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    origin: Mapped[str] = mapped_column(String(20), default="clinic")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    case_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    result_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    kb_version: Mapped[str | None] = mapped_column(String(80))
    profile: Mapped[str] = mapped_column(String(20), default="evidence")
    action_level: Mapped[str | None] = mapped_column(String(40))
    is_released: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_assessment_patient_created", "patient_id", "created_at"),
        Index("ix_assessment_clinic_origin_ack", "clinic_id", "origin", "acknowledged_at"),
    )


class MeasurementRow(Base):
    """One finding of a completed assessment (a test's result), kept for progress queries."""

    __tablename__ = "measurement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    test_id: Mapped[str] = mapped_column(String(80))
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    method: Mapped[str | None] = mapped_column(String(40))


class MediaRow(Base):
    """An uploaded photo or video, its analysis state, and detected and edited landmarks."""

    __tablename__ = "media"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    view: Mapped[str] = mapped_column(String(10))
    movement_test: Mapped[str | None] = mapped_column(String(60))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    landmarks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    edited_landmarks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    warnings: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]


class PlanRow(Base):
    """The plan of a completed assessment, as shown to (and released to) the patient."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), unique=True)
    items: Mapped[dict[str, Any]] = mapped_column(JSON)
    clinician_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ScreenLinkRow(Base):
    """A single-use, expiring self-screen link; only the SHA-256 of its token is stored."""

    __tablename__ = "screen_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    created_at: Mapped[datetime]


class SignInFailureRow(Base):
    """One failed sign-in against one throttle key (a hash of the address or of the email), for rate limiting
    that holds across server processes."""

    __tablename__ = "sign_in_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]

    __table_args__ = (Index("ix_sign_in_failure_key_at", "key_hash", "at"),)


class AuditRow(Base):
    """Who viewed or changed what, and when; never names or clinical free text."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(30))
    resource: Mapped[str] = mapped_column(String(30))
    resource_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(index=True)
