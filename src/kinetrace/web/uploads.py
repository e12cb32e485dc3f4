"""Receiving uploaded photos and videos safely: type by content, size limit, temp file then atomic rename.

A file becomes visible under its final name only after it is complete and flushed to disk (file and folder), and
a database row points at it only after that; a crash mid-upload leaves at most a `.part` file or a file no row
points at, and start-up removes both (and previews of photos that are gone).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kinetrace.errors import InputError, MediaError

__all__ = ["StoredFile", "remove_partial_files", "remove_stored", "store_upload", "sync_folder"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    """A completed upload in the uploads folder."""

    stored_name: str
    kind: str
    content_type: str
    size_bytes: int
    sha256: str


def _sniff(head: bytes) -> tuple[str, str, str] | None:
    """Return (kind, content type, extension) from a file's first bytes, or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "photo", "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "photo", "image/png", ".png"
    if head[4:8] == b"ftyp":
        return "video", "video/mp4", ".mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "video/webm", ".webm"
    return None


def store_upload(source: BinaryIO, uploads: Path, *, filename: str, max_bytes: int) -> StoredFile:
    """Copy an upload into `uploads` after checking its type and size; raise MediaError/InputError otherwise."""
    head = source.read(16)
    sniffed = _sniff(head)
    if sniffed is None:
        raise MediaError(filename or "file", None, "a JPEG or PNG photo, or an MP4 or WebM video")
    kind, content_type, ext = sniffed
    name = f"{uuid.uuid4().hex}{ext}"
    part = uploads / f".{name}.part"
    digest, size = hashlib.sha256(), 0
    try:
        # Readable only by the server's user (0600), like everything in the data folder.
        with os.fdopen(os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(
                        filename or "file",
                        f"more than {max_bytes // (1 << 20)} MB",
                        f"a file of at most {max_bytes // (1 << 20)} MB",
                    )
                digest.update(chunk)
                out.write(chunk)
                chunk = source.read(_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        part.replace(uploads / name)
        sync_folder(uploads)  # the new name is on disk before any row points at it
    finally:
        part.unlink(missing_ok=True)
    return StoredFile(
        stored_name=name, kind=kind, content_type=content_type, size_bytes=size, sha256=digest.hexdigest()
    )


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_partial_files(uploads: Path, *, keep: set[str], previews: Path | None = None) -> int:
    """Delete leftovers no database row points at and return how many.

    That is `.part` files, complete files or capture folders whose row never committed, and previews of photos
    that are gone. Run only while no request is being served: an upload in flight has a complete file before
    its row commits.
    """
    removed = 0
    for path in uploads.iterdir():
        if path.name.endswith(".part") or path.name not in keep:
            remove_stored(uploads, path.name)
            removed += 1
    stems = {name.split(".")[0] for name in keep}
    for path in previews.iterdir() if previews is not None and previews.is_dir() else ():
        # A preview is named `<upload stem>.<size>.jpg`; one being written is `.<that name>.part`.
        if path.is_file() and (path.name.startswith(".") or path.name.split(".")[0] not in stems):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_stored(uploads: Path, stored_name: str) -> None:
    """Delete one stored upload: a file, or a multi-camera capture's folder with its outputs."""
    path = uploads / stored_name
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
