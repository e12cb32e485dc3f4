"""Multi-camera 3-D capture: upload (videos + calibration + test + optional sync), and the pipeline's files.

The analysis runs on the media job runner like a photo; its findings (method `multi_camera_3d`) are a
measurement, not a proxy, so they enter the assessment without a landmark review.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from kinetrace.errors import ConflictError, InputError, NotFoundError
from kinetrace.storage import MediaRecord, Scope
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage import audit as audit_repo
from kinetrace.storage import media as media_repo
from kinetrace.web.captures import CAPTURE_FILES, CaptureUpload, NamedFile, store_capture
from kinetrace.web.deps import DB, CsrfChecked, CurrentUser, RecordId, State, UserScope
from kinetrace.web.errors import problems_of
from kinetrace.web.routes.media import MediaPublic
from kinetrace.web.routes.wizard import render_photos

__all__ = ["api", "pages", "save_capture"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["media"])

Videos = Annotated[list[UploadFile] | None, File(description="one video per camera, in calibration order")]
Calibration = Annotated[list[UploadFile] | None, File(description=".toml, .qca.txt or OpenCap .pickle file(s)")]
SyncFile = Annotated[UploadFile | None, File(description="`kinetrace capture sync` JSON (sync=file)")]


def _named(files: list[UploadFile] | None) -> list[NamedFile]:
    """The files the browser really sent (an empty file input arrives as a part without a name)."""
    return [NamedFile(f.filename or "", f.file) for f in files or [] if f.filename]


def _frames(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError("max_frames", text, "a whole number of at least 10, or blank for all frames")
    return int(text)


def _form(
    videos: list[UploadFile] | None,
    calibration: list[UploadFile] | None,
    test: str,
    sync: str,
    sync_file: UploadFile | None,
    max_frames: str,
) -> CaptureUpload:
    sync_named = _named([sync_file] if sync_file is not None else [])
    return CaptureUpload(
        videos=_named(videos),
        calibration=_named(calibration),
        test=test,
        sync=sync or "none",
        sync_file=sync_named[0] if sync_named else None,
        max_frames=_frames(max_frames),
    )


def save_capture(state: State, db: DB, scope: Scope, assessment_id: int, form: CaptureUpload) -> MediaRecord:
    """Check and store a multi-camera capture against a draft assessment; the row is written after the files."""
    record = assessment_repo.get_assessment(db, scope, assessment_id)
    if record.status != "draft":
        raise ConflictError(f"assessment {assessment_id} is {record.status}; captures go into a new assessment.")
    stored = store_capture(form, state.uploads_dir, max_bytes=state.settings.max_upload_mb << 20)
    media = media_repo.add_media(
        db,
        scope,
        assessment_id,
        kind="capture",
        view="3d",
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type="application/x-kinetrace-capture",
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        movement_test=form.test,
    )
    audit_repo.record_event(db, scope, "upload", "media", media.id, detail="capture")
    return media


@pages.post("/assessments/{assessment_id}/captures", dependencies=[CsrfChecked])
def upload_page(  # noqa: PLR0913 - one parameter per form field
    request: Request,
    state: State,
    db: DB,
    user: CurrentUser,
    scope: UserScope,
    background: BackgroundTasks,
    assessment_id: RecordId,
    videos: Videos = None,
    calibration: Calibration = None,
    capture_test: Annotated[str, Form()] = "",
    sync: Annotated[str, Form()] = "none",
    sync_file: SyncFile = None,
    max_frames: Annotated[str, Form()] = "",
) -> Response:
    """Upload a multi-camera capture from the wizard; a bad input shows the form again with the field named."""
    try:
        form = _form(videos, calibration, capture_test, sync, sync_file, max_frames)
        media = save_capture(state, db, scope, assessment_id, form)
    except InputError as exc:
        record = assessment_repo.get_assessment(db, scope, assessment_id)
        kept = {"capture_test": capture_test, "sync": sync, "max_frames": max_frames}
        errors = {e["field"]: e["message"] for e in problems_of(exc)}
        return render_photos(
            request, state, db, user, record, {"errors": errors, "capture_form": kept}, status_code=422
        )
    background.add_task(state.jobs.submit, media.id)  # type: ignore[union-attr]
    return RedirectResponse(f"/assessments/{assessment_id}/photos", status_code=303)


@api.post(
    "/assessments/{assessment_id}/captures", response_model=MediaPublic, status_code=201, dependencies=[CsrfChecked]
)
def api_upload(  # noqa: PLR0913 - one parameter per form field
    state: State,
    db: DB,
    scope: UserScope,
    background: BackgroundTasks,
    assessment_id: RecordId,
    videos: Videos = None,
    calibration: Calibration = None,
    capture_test: Annotated[str, Form()] = "",
    sync: Annotated[str, Form()] = "none",
    sync_file: SyncFile = None,
    max_frames: Annotated[str, Form()] = "",
) -> MediaPublic:
    """Upload two or more synchronised videos with their calibration; poll GET /media/{id} for the 3-D analysis."""
    form = _form(videos, calibration, capture_test, sync, sync_file, max_frames)
    media = save_capture(state, db, scope, assessment_id, form)
    background.add_task(state.jobs.submit, media.id)  # type: ignore[union-attr]
    return MediaPublic.of(media)


@pages.get("/media/{media_id}/capture/{name}")
def capture_file(state: State, db: DB, scope: UserScope, media_id: RecordId, name: str) -> Response:
    """Return one output of a finished 3-D capture (plot, stick figure, summary, findings, TRC/MOT, Parquet)."""
    media = media_repo.get_media(db, scope, media_id)
    path = state.uploads_dir / media.stored_name / "out" / name
    if media.kind != "capture" or name not in CAPTURE_FILES or not path.is_file():
        raise NotFoundError("name", name, "an output of a finished 3-D capture: " + ", ".join(CAPTURE_FILES))
    state.view_log.viewed(scope, "media", media_id)
    inline = name.endswith(".png")
    return FileResponse(
        path,
        media_type=CAPTURE_FILES[name],
        headers={"Cache-Control": "private, no-store"},
        filename=name,
        content_disposition_type="inline" if inline else "attachment",
    )
