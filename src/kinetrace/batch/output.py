"""Write a batch's records: JSON Lines with every assessment, and a CSV summary, each written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
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
        staged.append(_stage(folder / JSONL_NAME, _jsonl_text(records)))
        staged.append(_stage(folder / SUMMARY_NAME, _summary_text(records)))
        for tmp, target in staged:
            tmp.replace(target)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise InputError("--out", str(folder), f"a writable folder ({exc.strerror or exc})") from exc
    return BatchOutputs(jsonl=folder / JSONL_NAME, summary=folder / SUMMARY_NAME)


def _jsonl_text(records: Sequence[BatchRecord]) -> str:
    return "".join(json.dumps(r.to_json(), ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def _summary_text(records: Sequence[BatchRecord]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(SUMMARY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(r.summary_row() for r in records)
    return buffer.getvalue()


def _stage(target: Path, text: str) -> tuple[Path, Path]:
    """Write `text` to a temporary file beside `target`; return (temporary file, target)."""
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, target
