"""The per-item function that batch maps over case files: read, assess, and record the outcome."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from kinetrace.assessment import assess
from kinetrace.batch.media import CaseMedia, measure_media, merge_findings
from kinetrace.batch.record import BatchRecord
from kinetrace.errors import KinetraceError
from kinetrace.intake.load import parse_case, read_case_data
from kinetrace.knowledge import KnowledgeBase, load_knowledge

__all__ = ["assess_file"]

_log = logging.getLogger(__name__)


def assess_file(path: str | Path, profile: str = "evidence", *, media: CaseMedia | None = None,
                kb: KnowledgeBase | None = None) -> BatchRecord:
    """Assess one case file and return its record; never raises for a bad case.

    With `media`, its photos and clips are measured first and their findings merged into the case, as
    `kinetrace assess --photos/--videos` does. The knowledge base defaults to the shipped one, which
    `load_knowledge` loads once per process, so each batch worker reads it once. A case that cannot be read or
    assessed gives a "failed" record carrying the one-line message of the error; the same call in a serial
    loop gives the same record.

    >>> assess_file("no/such/case.yaml").error
    'no/such/case.yaml: no such file; check the path to the case file.'
    """
    source = str(path)
    case_id = Path(path).stem
    warnings: tuple[str, ...] = ()
    try:
        data = read_case_data(path)
        case_id = _declared_id(data) or case_id
        if media and isinstance(data, Mapping):
            measured = measure_media(media)
            data, warnings = merge_findings(data, measured), measured.warnings
        case = parse_case(data, source=source)
        result = assess(case, kb if kb is not None else load_knowledge(), profile=profile)
    except KinetraceError as exc:
        return _failed(source, case_id, exc)
    except Exception as exc:  # a bug must not sink the other items; it is logged and recorded by name
        _log.exception("batch item %s failed unexpectedly", source)
        return _failed(source, case_id, exc)
    return BatchRecord(source=source, case_id=result.case_id or case_id, status="ok",
                       assessment=result.model_dump(mode="json", by_alias=True), media_warnings=warnings)


def _declared_id(data: object) -> str | None:
    """Return the case's own id when the file declares one, so a failed item keeps its id."""
    if isinstance(data, Mapping):
        value = data.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def _failed(source: str, case_id: str, exc: BaseException) -> BatchRecord:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    message = "; ".join(lines) or type(exc).__name__
    if not isinstance(exc, KinetraceError):
        message = f"{type(exc).__name__}: {message} (a Kinetrace bug; please report it)"
    return BatchRecord(source=source, case_id=case_id, status="failed", error=message,
                       error_kind=type(exc).__name__)
