"""Write a batch's records: JSON Lines with every assessment, and a CSV summary, each written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kinetrace.batch.record import SUMMARY_COLUMNS, BatchRecord
from kinetrace.errors import InputError

__all__ = ["JSONL_NAME", "SUMMARY_NAME", "BatchOutputs", "write_outputs"]

JSONL_NAME = "assessments.jsonl"
SUMMARY_NAME = "summary.csv"


@dataclass(frozen=True)
class BatchOutputs:
    """Where a batch's files were written."""

    jsonl: Path
    summary: Path


def write_outputs(records: Sequence[BatchRecord], out_dir: str | Path) -> BatchOutputs:
    """Write `assessments.jsonl` and `summary.csv` into `out_dir` (created if missing) and return their paths.

    Both files are first written in full to temporary files in the same folder, then renamed over the targets,
    so a reader never sees half a file and a failure while writing leaves the previous outputs intact.

    Raises:
        InputError: `out_dir` is an existing file, or cannot be created or written.
    """
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError("--out", str(folder), "a folder for the outputs (this is a file)")
    staged: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staged.append(_stage(folder / JSONL_NAME, _jsonl_lines(records)))
        staged.append(_stage(folder / SUMMARY_NAME, _summary_lines(records)))
        for tmp, target in staged:
            tmp.replace(target)
    except OSError as exc:
        raise InputError("--out", str(folder), f"a writable folder ({exc.strerror or exc})") from exc
    finally:
        for tmp, _ in staged:  # gone once renamed; left only when something failed on the way
            tmp.unlink(missing_ok=True)
    return BatchOutputs(jsonl=folder / JSONL_NAME, summary=folder / SUMMARY_NAME)


def _jsonl_lines(records: Sequence[BatchRecord]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record.to_json(), ensure_ascii=False) + "\n"


def _summary_lines(records: Sequence[BatchRecord]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(SUMMARY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record.summary_row())
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _stage(target: Path, lines: Iterable[str]) -> tuple[Path, Path]:
    """Write `lines` to a temporary file beside `target`; return (temporary file, target)."""
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.writelines(lines)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, target
