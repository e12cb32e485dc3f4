"""Receiving a multi-camera 3-D capture: two or more synchronised videos, a calibration, a test and optional sync.

Everything is checked before anything is kept, by the same code the CLI runs (`capture.pipeline.check_inputs`):
one camera only, a calibration of other cameras, unequal frame rates without sync and too few frames each come
back as one message naming the form field. The files are written into a hidden `.part` folder that becomes the
capture's folder (`<uuid>.capture` under the uploads folder, 0700, files 0600) only when every check passed;
the pipeline's outputs go into its `out/` subfolder when the background analysis succeeds.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kinetrace.errors import InputError
from kinetrace.web.uploads import store_upload, sync_folder

__all__ = [
    "CAPTURE_FILES",
    "CaptureUpload",
    "NamedFile",
    "StoredCapture",
    "capture_request",
    "capture_tests",
    "store_capture",
]

SYNC_MODES = ("none", "auto", "file")
MAX_CAMERAS = 8
_CALIBRATION_MB = 2
_SYNC_BYTES = 64 << 10
_CALIBRATION_SUFFIXES = (".toml", ".qca.txt", ".pickle", ".pkl")
# pipeline outputs a clinician may open from the page (kind → file name in `out/`)
CAPTURE_FILES = {
    "angles.png": "image/png",
    "stick_figure.png": "image/png",
    "summary.json": "application/json",
    "findings.yaml": "text/plain; charset=utf-8",
    "markers.trc": "text/plain; charset=utf-8",
    "ik.mot": "text/plain; charset=utf-8",
    "frames.parquet": "application/octet-stream",
}
# the pipeline's CLI option names → this form's field names
_FIELDS = {"--test": "capture_test", "--sync": "sync_file", "video": "videos"}


@dataclass(frozen=True)
class NamedFile:
    """One uploaded file: the name the user gave it and its content."""

    filename: str
    file: BinaryIO


@dataclass(frozen=True)
class CaptureUpload:
    """The multi-camera form: videos in camera order, calibration file(s), capture test and sync choice."""

    videos: Sequence[NamedFile]
    calibration: Sequence[NamedFile]
    test: str
    sync: str = "none"
    sync_file: NamedFile | None = None
    max_frames: int | None = None


@dataclass(frozen=True)
class StoredCapture:
    """A checked capture moved into place: its folder name, a display name, total size and a digest."""

    stored_name: str
    original_name: str
    size_bytes: int
    sha256: str


def capture_tests() -> dict[str, str]:
    """Return {capture test id: description} of the 3-D pipeline (`capture.gates.CAPTURE_TESTS`)."""
    from kinetrace.capture.gates import CAPTURE_TESTS

    return dict(CAPTURE_TESTS)


def _safe_name(filename: str, *, fallback: str) -> str:
    """The file's base name with only letters, digits, dot, dash and underscore (at most 80 characters)."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename or "").name).lstrip(".")[:80]
    return base or fallback


def _check_form(form: CaptureUpload) -> None:
    """Field-level checks that need no file content."""
    tests = capture_tests()
    if form.test not in tests:
        raise InputError("capture_test", form.test, "one of " + ", ".join(tests) + " (3-D capture tests)")
    if len(form.videos) < 2:  # noqa: PLR2004
        raise InputError(
            "videos",
            f"{len(form.videos)} video",
            "two or more synchronised videos of calibrated "
            "cameras, one per camera (one video: upload it above as a single-view movement video)",
        )
    if len(form.videos) > MAX_CAMERAS:
        raise InputError("videos", f"{len(form.videos)} videos", f"at most {MAX_CAMERAS} cameras")
    if not form.calibration:
        raise InputError("calibration", None, "a Pose2Sim .toml, Qualisys .qca.txt or OpenCap .pickle calibration")
    if form.sync not in SYNC_MODES:
        raise InputError("sync", form.sync, "none (same frame rate, started together), auto or file")
    if form.sync == "file" and form.sync_file is None:
        raise InputError("sync_file", None, "the JSON file written by `kinetrace capture sync`")
    if form.max_frames is not None and form.max_frames < 10:  # noqa: PLR2004
        raise InputError("max_frames", form.max_frames, "a whole number of at least 10, or blank for all frames")


def _copy_limited(source: BinaryIO, dest: Path, *, field: str, name: str, max_bytes: int) -> int:
    """Copy at most `max_bytes` into a new 0600 file; InputError naming `field` when the file is larger."""
    size = 0
    with os.fdopen(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as out:
        while chunk := source.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                raise InputError(
                    field, f"{name}: more than {max_bytes >> 10} KB", f"a file of at most {max_bytes >> 10} KB"
                )
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size


def _store_videos(form: CaptureUpload, folder: Path, *, max_bytes: int) -> tuple[list[str], int, list[str]]:
    names: list[str] = []
    digests: list[str] = []
    total = 0
    for k, video in enumerate(form.videos):
        stored = store_upload(video.file, folder, filename=video.filename, max_bytes=max_bytes)
        if stored.kind != "video":
            (folder / stored.stored_name).unlink()
            raise InputError("videos", video.filename, "MP4 or WebM videos (one per camera), not a photo")
        stem = Path(_safe_name(video.filename, fallback=f"cam{k + 1:02d}")).stem
        name = stem + Path(stored.stored_name).suffix
        if name in names:
            raise InputError("videos", video.filename, "a different file name for each camera's video")
        (folder / stored.stored_name).rename(folder / name)
        names.append(name)
        digests.append(stored.sha256)
        total += stored.size_bytes
    return names, total, digests


def _store_calibration(form: CaptureUpload, folder: Path) -> tuple[str, int]:
    """Store the calibration as `calibration.<suffix>`, or several OpenCap pickles as a `calibration/` folder."""
    files = list(form.calibration)
    lowered = [f.filename.lower() for f in files]
    for f, low in zip(files, lowered, strict=True):
        if not low.endswith(_CALIBRATION_SUFFIXES):
            raise InputError(
                "calibration", f.filename, "a Pose2Sim .toml, Qualisys .qca.txt or OpenCap .pickle calibration file"
            )
    if len(files) > 1 and not all(low.endswith((".pickle", ".pkl")) for low in lowered):
        raise InputError(
            "calibration",
            ", ".join(f.filename for f in files),
            "one .toml or .qca.txt file, or one OpenCap .pickle per camera",
        )
    limit = _CALIBRATION_MB << 20
    if len(files) == 1:
        suffix = next(s for s in _CALIBRATION_SUFFIXES if lowered[0].endswith(s))
        name = f"calibration{suffix}"
        return name, _copy_limited(
            files[0].file, folder / name, field="calibration", name=files[0].filename, max_bytes=limit
        )
    (folder / "calibration").mkdir(mode=0o700)
    size = 0
    for k, f in enumerate(files):  # numbered so the folder reads back in upload (camera) order
        dest = folder / "calibration" / f"{k + 1:02d}_{_safe_name(f.filename, fallback='cam')}"
        size += _copy_limited(
            f.file, dest.with_suffix(".pickle"), field="calibration", name=f.filename, max_bytes=limit
        )
    sync_folder(folder / "calibration")
    return "calibration", size


def _sync_arg(form: CaptureUpload, folder: Path) -> str | None:
    if form.sync == "auto":
        return "auto"
    if form.sync == "file" and form.sync_file is not None:
        _copy_limited(
            form.sync_file.file,
            folder / "sync.json",
            field="sync_file",
            name=form.sync_file.filename,
            max_bytes=_SYNC_BYTES,
        )
        return "sync.json"
    return None


def _as_form_error(exc: InputError, folder: Path, originals: dict[str, str]) -> InputError:
    """The pipeline's message with this form's field names and the user's file names (never a server path)."""
    message = exc.message
    for stored, original in sorted(originals.items(), key=lambda kv: -len(kv[0])):
        message = message.replace(str(folder / stored), original)
    message = message.replace(str(folder) + os.sep, "").replace(str(folder), "upload")
    field = _FIELDS.get(exc.field, exc.field)
    if message.startswith(f"{exc.field}:"):
        message = field + message[len(exc.field) :]
    return InputError(field, None, message=message)


def _check_with_pipeline(form: CaptureUpload, folder: Path, request: dict[str, Any], originals: dict[str, str]) -> None:
    from kinetrace.capture.pipeline import check_inputs

    sync = request["sync"]
    try:
        check_inputs(
            [folder / v for v in request["videos"]],
            folder / request["calibration"],
            form.test,
            sync=None if sync is None else sync if sync == "auto" else folder / sync,
            max_frames=form.max_frames,
        )
    except InputError as exc:
        raise _as_form_error(exc, folder, originals) from exc


def store_capture(form: CaptureUpload, uploads: Path, *, max_bytes: int) -> StoredCapture:
    """Check a multi-camera upload like the CLI and keep it as one folder; InputError (nothing kept) otherwise."""
    _check_form(form)
    name = f"{uuid.uuid4().hex}.capture"
    part = uploads / f".{name}.part"
    part.mkdir(mode=0o700)
    try:
        videos, size, digests = _store_videos(form, part, max_bytes=max_bytes)
        calibration, calibration_size = _store_calibration(form, part)
        request = {
            "videos": videos,
            "calibration": calibration,
            "sync": _sync_arg(form, part),
            "test": form.test,
            "max_frames": form.max_frames,
        }
        originals = dict(zip(videos, (v.filename for v in form.videos), strict=True))
        originals[calibration] = ", ".join(f.filename for f in form.calibration)
        _check_with_pipeline(form, part, request, originals)
        _copy_limited(
            io.BytesIO(json.dumps(request, indent=1).encode()),
            part / "request.json",
            field="request",
            name="request.json",
            max_bytes=_SYNC_BYTES,
        )
        sync_folder(part)
        part.rename(uploads / name)
        sync_folder(uploads)  # the folder is on disk under its name before any row points at it
    finally:
        shutil.rmtree(part, ignore_errors=True)
    shown = " + ".join(v.filename for v in form.videos) + " · " + originals[calibration]
    digest = hashlib.sha256("".join(digests).encode()).hexdigest()
    return StoredCapture(stored_name=name, original_name=shown[:255], size_bytes=size + calibration_size, sha256=digest)


def capture_request(folder: Path) -> dict[str, Any]:
    """Read back what `store_capture` kept: video names, calibration, sync, test and frame limit."""
    data: dict[str, Any] = json.loads((folder / "request.json").read_text(encoding="utf-8"))
    return data
