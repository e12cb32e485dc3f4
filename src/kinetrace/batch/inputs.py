"""What a batch runs on: case files from CASES_OR_GLOB arguments, or a manifest of cases with their media."""

from __future__ import annotations

import csv
import glob
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kinetrace.batch.media import CaptureSpec, CaseMedia, VideoSpec
from kinetrace.errors import InputError

__all__ = ["CASE_SUFFIXES", "BatchItem", "expand_inputs", "read_manifest"]

CASE_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")
_MANIFEST_COLUMNS: tuple[str, ...] = ("case", "photos", "videos", "height_cm", "capture")
_GLOB_CHARS = frozenset("*?[")


def expand_inputs(arguments: Sequence[str]) -> list[Path]:
    """Return the case files named by files, folders (their case files) or glob patterns (`**` recurses).

    Order follows the arguments, each folder or pattern sorted; a file named twice is kept once.

    Raises:
        InputError: no arguments, a path that does not exist, or a folder or pattern that holds no case file.
    """
    if not arguments:
        raise InputError("CASES", message="CASES: got nothing; expected case files, folders or glob patterns.")
    files: dict[Path, None] = {}
    for argument in arguments:
        for path in _expand_one(argument):
            files.setdefault(path, None)
    return list(files)


def _expand_one(argument: str) -> list[Path]:
    suffixes = "/".join(CASE_SUFFIXES)
    if _GLOB_CHARS & set(argument):
        matches = [Path(m) for m in sorted(glob.glob(argument, recursive=True)) if Path(m).is_file()]
        if not matches:
            raise InputError("CASES", argument, "a pattern that matches at least one file; check the pattern")
        return matches
    path = Path(argument)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CASE_SUFFIXES)
        if not found:
            raise InputError("CASES", argument, f"a folder holding case files ({suffixes})")
        return found
    if not path.exists():
        raise InputError("CASES", argument, "an existing case file, folder or glob pattern; check the path")
    return [path]


@dataclass(frozen=True)
class BatchItem:
    """One case file to assess, with the photos and clips to measure for it first (if any)."""

    path: str
    media: CaseMedia = CaseMedia()


def read_manifest(manifest: str | Path) -> list[BatchItem]:
    """Return the items of a manifest CSV with the columns `case`, `photos`, `videos` and `height_cm`.

    Only `case` is required. `photos` lists photo files separated by `;`; `videos` lists `CLIP:TEST` entries
    separated by `;` (e.g. `sls_left.mp4:single_leg_stance`); `height_cm` is the person's standing height, for
    photo translations in mm; `capture` lists 3-D trials `CAM1+CAM2[+…]@CALIBRATION:TEST` separated by `;`
    (e.g. `cam1.mp4+cam2.mp4@calib.toml:hip_rotation`). Relative paths are taken from the manifest's folder.
    Files are not opened here: a missing photo or case fails only its own item.

    Raises:
        InputError: the manifest is missing or unreadable, lacks the `case` column, has an unknown column, or a
            row with no case, a clip without its test or a height that is not a number (the message gives the
            line).
    """
    file = Path(manifest)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("--manifest", str(file), "a readable UTF-8 CSV file with the columns "
                         f"{', '.join(_MANIFEST_COLUMNS)}") from exc
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    unknown = [c for c in columns if c not in _MANIFEST_COLUMNS]
    if "case" not in columns or unknown:
        raise InputError("--manifest", message=f"{file}: header {','.join(columns) or '(none)'}; expected the "
                         f"columns {', '.join(_MANIFEST_COLUMNS)} (case required).")
    items = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError("--manifest", message=f"{file} line {line}: more cells than the header's "
                             f"{len(columns)} columns; separate several photos or videos with ';'.")
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if any(cells.values()):  # a blank line is not an item
            items.append(_manifest_item(cells, file, line))
    return items


def _manifest_item(row: dict[str, str], file: Path, line: int) -> BatchItem:
    where = f"{file} line {line}"
    if not row.get("case"):
        raise InputError("--manifest", message=f"{where}: the case column is empty; expected a case file.")
    videos = []
    for spec in _split(row.get("videos", "")):
        clip, _, test = spec.rpartition(":")
        if not clip or not test:
            raise InputError("--manifest", message=f"{where}: video {spec!r}; expected CLIP:TEST, e.g. "
                             "sls_left.mp4:single_leg_stance.")
        videos.append(VideoSpec(path=_beside(file, clip), test=test))
    photos = tuple(_beside(file, p) for p in _split(row.get("photos", "")))
    captures = []
    for spec in _split(row.get("capture", "")):
        clips, _, rest = spec.partition("@")
        calib, _, test = rest.rpartition(":")
        if not clips or not calib or not test:
            raise InputError("--manifest", message=f"{where}: capture {spec!r}; expected CAM1+CAM2@CALIBRATION:TEST, "
                             "e.g. cam1.mp4+cam2.mp4@calib.toml:hip_rotation.")
        captures.append(CaptureSpec(tuple(_beside(file, c) for c in clips.split("+")), _beside(file, calib), test))
    media = CaseMedia(photos=photos, videos=tuple(videos), height_cm=_height_cm(row.get("height_cm", ""), where),
                      captures=tuple(captures))
    return BatchItem(path=_beside(file, row["case"]), media=media)


def _height_cm(cell: str, where: str) -> float | None:
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError as exc:
        raise InputError("--manifest", message=f"{where}: height_cm {cell!r}; expected a number of "
                         "centimetres, e.g. 172.") from exc


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _beside(manifest: Path, name: str) -> str:
    path = Path(name)
    return str(path if path.is_absolute() else manifest.parent / path)
