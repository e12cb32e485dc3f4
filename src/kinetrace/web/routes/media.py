"""Photos and videos: upload (checked by content and size), analysis status, the file, landmark review."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kinetrace.errors import ConflictError, InputError, NotFoundError
from kinetrace.storage import MediaRecord, Scope
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import media as media_repo
from kinetrace.web.analysis import movement_tests
from kinetrace.web.deps import DB, CsrfChecked, CurrentUser, RecordId, State, UserScope
from kinetrace.web.previews import PLACEHOLDER_SVG, PREVIEW_SIZES, make_preview
from kinetrace.web.uploads import remove_stored, store_upload

__all__ = ["api", "pages", "save_upload"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["media"])

VIEWS = ("front", "left", "right", "back", "auto")


class MediaPublic(BaseModel):
    """A photo or video and its analysis state."""

    id: int
    assessment_id: int
    kind: str
    view: str
    movement_test: str | None
    original_name: str
    content_type: str
    size_bytes: int
    status: str
    progress: int = Field(ge=0, le=100)
    error: str | None
    landmarks: dict[str, Any] | None
    edited_landmarks: dict[str, Any] | None
    findings: dict[str, Any] | None
    warnings: list[str] | None
    created_at: datetime
    reviewed_at: datetime | None = None

    @classmethod
    def of(cls, m: MediaRecord) -> MediaPublic:
        """Build from a stored record."""
        return cls(**{k: v for k, v in m.__dict__.items() if k != "stored_name"})


class LandmarksUpdate(BaseModel):
    """Landmarks after the clinician moved them: normalised x/y per landmark name."""

    points: list[dict[str, Any]] = Field(min_length=1)


def save_upload(
    state: State,
    db: DB,
    scope: Scope,
    assessment_id: RecordId,
    upload: UploadFile,
    view: str,
    movement_test: str | None = None,
) -> MediaRecord:
    """Check and store one upload against a draft assessment; the row is written after the file is complete."""
    if view not in VIEWS:
        raise InputError("view", view, "front, left, right, back or auto")
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    if record.status != "draft":
        raise ConflictError(f"assessment {assessment_id} is {record.status}; photos go into a new assessment.")
    if movement_test and movement_test not in movement_tests():
        raise InputError("movement_test", movement_test, "one of " + ", ".join(movement_tests()))
    stored = store_upload(
        upload.file,
        state.uploads_dir,
        filename=upload.filename or "upload",
        max_bytes=state.settings.max_upload_mb << 20,
    )
    media = media_repo.add_media(
        db,
        scope,
        assessment_id,
        kind=stored.kind,
        view=view,
        original_name=upload.filename or stored.stored_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        movement_test=(movement_test or None) if stored.kind == "video" else None,
    )
    audit_repo.record_event(db, scope, "upload", "media", media.id)
    return media


@pages.post("/assessments/{assessment_id}/media", dependencies=[CsrfChecked])
def upload_page(
    state: State,
    db: DB,
    scope: UserScope,
    background: BackgroundTasks,
    assessment_id: RecordId,
    file: Annotated[UploadFile, File()],
    view: Annotated[str, Form()] = "auto",
    movement_test: Annotated[str, Form()] = "",
) -> Response:
    """Upload a photo from the wizard; analysis starts once the upload is stored."""
    media = save_upload(state, db, scope, assessment_id, file, view, movement_test)
    background.add_task(state.jobs.submit, media.id)  # type: ignore[union-attr]
    return RedirectResponse(f"/assessments/{assessment_id}/photos", status_code=303)


@pages.get("/media/{media_id}/file")
def media_file(state: State, db: DB, scope: UserScope, media_id: RecordId) -> Response:
    """Return the stored file (only to users of the owning clinic)."""
    media = media_repo.get_media(db, scope, media_id)
    if media.kind == "capture":
        raise NotFoundError(
            "media_id", media_id, f"a photo or video; a 3-D capture's files are under /media/{media_id}/capture/"
        )
    state.view_log.viewed(scope, "media", media_id)
    return FileResponse(
        state.uploads_dir / media.stored_name,
        media_type=media.content_type,
        headers={"Cache-Control": "private, no-store"},
        filename=media.original_name,
        content_disposition_type="attachment",
    )


@pages.get("/media/{media_id}/preview/{size}")
def media_preview(state: State, db: DB, scope: UserScope, media_id: RecordId, size: str) -> Response:
    """Return a server-made JPEG preview of a photo (`thumb` or `review`), or a placeholder when it has none."""
    media = media_repo.get_media(db, scope, media_id)
    if size not in PREVIEW_SIZES or media.kind != "photo":
        raise NotFoundError("size", size, "thumb or review, of a photo")
    made = make_preview(
        state.uploads_dir / media.stored_name,
        state.settings.data_dir / "previews",
        size=size,
        max_pixels=state.settings.max_image_pixels,
    )
    if made is None:
        return Response(PLACEHOLDER_SVG, media_type="image/svg+xml", headers={"Cache-Control": "private, no-store"})
    return FileResponse(made, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@pages.get("/media/{media_id}/landmarks")
def landmark_page(
    request: Request, state: State, db: DB, user: CurrentUser, scope: UserScope, media_id: RecordId
) -> Response:
    """Show the photo with its landmarks; points can be dragged and saved."""
    media = media_repo.get_media(db, scope, media_id)
    return state.templates.TemplateResponse(request, "landmarks.html", {"user": user, "media": media})


@api.post("/assessments/{assessment_id}/media", response_model=MediaPublic, status_code=201, dependencies=[CsrfChecked])
def api_upload(
    state: State,
    db: DB,
    scope: UserScope,
    background: BackgroundTasks,
    assessment_id: RecordId,
    file: Annotated[UploadFile, File()],
    view: Annotated[str, Form()] = "auto",
    movement_test: Annotated[str, Form()] = "",
) -> MediaPublic:
    """Upload a photo or video to a draft assessment; poll GET /media/{id} for the analysis."""
    media = save_upload(state, db, scope, assessment_id, file, view, movement_test)
    background.add_task(state.jobs.submit, media.id)  # type: ignore[union-attr]
    return MediaPublic.of(media)


@api.get("/assessments/{assessment_id}/media", response_model=list[MediaPublic])
def api_list(db: DB, scope: UserScope, assessment_id: RecordId) -> list[MediaPublic]:
    """List an assessment's photos and videos with their analysis state."""
    assessment_repo.get_assessment(db, scope, assessment_id)
    return [MediaPublic.of(m) for m in media_repo.list_media(db, scope, assessment_id)]


@api.get("/media/{media_id}", response_model=MediaPublic)
def api_media(db: DB, scope: UserScope, media_id: RecordId) -> MediaPublic:
    """Return one photo or video's analysis state, landmarks and findings."""
    return MediaPublic.of(media_repo.get_media(db, scope, media_id))


@api.put("/media/{media_id}/landmarks", response_model=MediaPublic, dependencies=[CsrfChecked])
def api_landmarks(
    state: State, db: DB, scope: UserScope, background: BackgroundTasks, media_id: RecordId, body: LandmarksUpdate
) -> MediaPublic:
    """Store landmarks the clinician corrected (normalised [0, 1]); the photo is re-analysed from them."""
    media = media_repo.get_media(db, scope, media_id)
    clean = []
    for i, p in enumerate(body.points):
        x, y = p.get("x"), p.get("y")
        if not isinstance(x, int | float) or not isinstance(y, int | float) or not (0 <= x <= 1 and 0 <= y <= 1):
            raise InputError(f"points[{i}]", p, "x and y between 0 and 1 (fractions of the image size)")
        clean.append(
            {"name": str(p.get("name", i)), "x": float(x), "y": float(y), "visibility": 1.0, "provenance": "edited"}
        )
    base = media.landmarks or {}
    edited = {"width": base.get("width", 0), "height": base.get("height", 0), "points": clean}
    updated = media_repo.save_edited_landmarks(db, scope, media_id, landmarks=edited)
    audit_repo.record_event(db, scope, "update", "media", media_id, detail="landmarks")
    background.add_task(state.jobs.submit, media_id)  # type: ignore[union-attr]
    return MediaPublic.of(updated)


def _remove_files(state: State, media: MediaRecord) -> None:
    """Remove a deleted upload's file and previews (after the commit; start-up sweeps any leftovers)."""
    remove_stored(state.uploads_dir, media.stored_name)
    for preview in (state.settings.data_dir / "previews").glob(f"{Path(media.stored_name).stem}.*"):
        preview.unlink(missing_ok=True)


def _delete(state: State, db: DB, scope: Scope, background: BackgroundTasks, media_id: RecordId) -> MediaRecord:
    media = media_repo.get_media(db, scope, media_id)
    record = assessment_repo.get_assessment(db, scope, media.assessment_id)
    if record.status != "draft":
        raise ConflictError(f"assessment {record.id} is {record.status}; its photos are part of the stored result.")
    media_repo.delete_media(db, scope, media_id)
    audit_repo.record_event(db, scope, "delete", "media", media_id)
    background.add_task(_remove_files, state, media)
    return media


@pages.post("/media/{media_id}/delete", dependencies=[CsrfChecked])
def delete_page(state: State, db: DB, scope: UserScope, background: BackgroundTasks, media_id: RecordId) -> Response:
    """Delete a photo or video of a draft assessment (audited)."""
    media = _delete(state, db, scope, background, media_id)
    return RedirectResponse(f"/assessments/{media.assessment_id}/photos", status_code=303)


@api.delete("/media/{media_id}", status_code=204, dependencies=[CsrfChecked])
def delete_api(state: State, db: DB, scope: UserScope, background: BackgroundTasks, media_id: RecordId) -> Response:
    """Delete a photo or video of a draft assessment (409 once the assessment is complete)."""
    _delete(state, db, scope, background, media_id)
    return Response(status_code=204)


def _review(db: DB, scope: Scope, media_id: RecordId) -> MediaRecord:
    media = media_repo.get_media(db, scope, media_id)
    if media.kind == "capture":
        raise ConflictError(
            f"media {media_id} is a 3-D capture: a measurement, not a photo proxy; its findings "
            "enter the assessment without a landmark review."
        )
    if media.status != "done" or not media.landmarks:
        raise ConflictError(f"media {media_id} is {media.status}; review its landmarks once the analysis is done.")
    reviewed = media_repo.mark_reviewed(db, scope, media_id)
    audit_repo.record_event(db, scope, "review", "media", media_id, detail="landmarks")
    return reviewed


@pages.post("/media/{media_id}/review", dependencies=[CsrfChecked])
def review_page(db: DB, scope: UserScope, media_id: RecordId) -> Response:
    """Confirm the detected landmarks as they are; the photo's findings may now enter the assessment."""
    media = _review(db, scope, media_id)
    return RedirectResponse(f"/assessments/{media.assessment_id}/photos", status_code=303)


@api.post("/media/{media_id}/review", response_model=MediaPublic, dependencies=[CsrfChecked])
def review_api(db: DB, scope: UserScope, media_id: RecordId) -> MediaPublic:
    """Confirm the landmarks of an analysed photo (photo findings merge only after this or a landmark edit)."""
    return MediaPublic.of(_review(db, scope, media_id))
