"""One batch item's outcome: the assessment's JSON form, or the reason it failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["SUMMARY_COLUMNS", "BatchRecord", "Status"]

Status = Literal["ok", "failed"]

# Columns of summary.csv, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "case_id", "source", "status", "action", "top_item", "probability", "plan_size", "message",
)


@dataclass(frozen=True)
class BatchRecord:
    """The outcome of assessing one case file in a batch.

    Attributes:
        source: the case file as it was given to the batch.
        case_id: the case's own `id`, or the file's stem when the case has none or could not be read.
        status: "ok" when `assessment` holds the result, "failed" when `error` says why not.
        assessment: `Assessment.model_dump(mode="json", by_alias=True)` for an ok item.
        error: one-line message for a failed item (names the field, the value and what was expected).
        error_kind: the exception class behind `error`, e.g. "InputError".
        media_warnings: problems met while measuring the case's photos or videos (e.g. a photo not used).
    """

    source: str
    case_id: str
    status: Status
    assessment: dict[str, Any] | None = None
    error: str | None = None
    error_kind: str | None = None
    media_warnings: tuple[str, ...] = ()

    @property
    def is_ok(self) -> bool:
        """Whether the item was assessed."""
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        """Return the JSON Lines form: the identifying fields, then the assessment or the error."""
        out: dict[str, Any] = {"source": self.source, "case_id": self.case_id, "status": self.status}
        if self.is_ok:
            out["assessment"] = self.assessment
        else:
            out["error"] = self.error
            out["error_kind"] = self.error_kind
        if self.media_warnings:
            out["media_warnings"] = list(self.media_warnings)
        return out

    def summary_row(self) -> dict[str, str]:
        """Return the summary.csv row: triage action, top-ranked item, its probability and the plan size."""
        row = dict.fromkeys(SUMMARY_COLUMNS, "")
        row.update(case_id=self.case_id, source=self.source, status=self.status)
        if not self.is_ok or self.assessment is None:
            row["message"] = self.error or ""
            return row
        ranking = self.assessment.get("ranking") or []
        top = ranking[0] if ranking else {}
        probability = top.get("probability")
        row.update(
            action=str(self.assessment["triage"]["action"]),
            top_item=str(top.get("id", "")),
            probability="" if probability is None else f"{probability:.4f}",
            plan_size=str(len(self.assessment.get("plan") or [])),
        )
        return row
