"""One merge of measured findings (photos, video, motion capture) into a case, used by every surface.

The merge only adds: each measured entry is appended after whatever was entered for the same test, so a
hand-entered value is never replaced. Which entry counts is decided later by the findings step
(`findings.normalise`): a hand-entered value outranks a photo/video proxy, and a photo value is evidence only when
the knowledge base's confirmation rule is met (`model.yaml: proxy_confirmation`).

Fields a measured entry may carry besides the case format's result fields (docs/case-format.md):
`method`, `source`, `uncertainty`, `validated` (False: no validated error), `review` (`needs_review`/`refused`:
never evidence), `confirmed` (True: landmarks reviewed by a clinician), `photos` (how many photos the value is the
mean of) and `spread` (largest minus smallest value between those photos).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["add_photo_spread", "mark_confirmed", "merge_findings", "photo_sources", "unreviewed_tests"]

_PHOTO_PREFIX = "photo:"


def _as_list(entry: Any) -> list[Any]:
    return list(entry) if isinstance(entry, list) else [entry]


def photo_sources(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the photo file names an entry's `source` names (`photo:a.jpg, photo:b.jpg` → a.jpg, b.jpg)."""
    source = entry.get("source")
    if not isinstance(source, str):
        return ()
    parts = (p.strip() for p in source.split(","))
    return tuple(p[len(_PHOTO_PREFIX):] for p in parts if p.startswith(_PHOTO_PREFIX))


def _with_photo_count(entry: Any) -> Any:
    if not isinstance(entry, Mapping) or entry.get("photos") is not None:
        return entry
    names = photo_sources(entry)
    return {**entry, "photos": len(names)} if names else dict(entry)


def merge_findings(case_data: Mapping[str, Any], measured: Mapping[str, Any], *, source: str | None = None
                   ) -> dict[str, Any]:
    """Return a copy of the case data with each measured entry added after those entered for the same test.

    Nothing is replaced or dropped; photo entries get `photos` (counted from their `source`) when they lack it.
    `source` is recorded in the case notes. Case data whose `findings` is not a mapping comes back unchanged,
    for the case parser to report.
    """
    entered = case_data.get("findings") or {}
    if not isinstance(entered, Mapping):
        return dict(case_data)
    findings = dict(entered)
    for test_id, entries in measured.items():
        added = [_with_photo_count(e) for e in _as_list(entries)]
        if not added:
            continue
        current = findings.get(test_id)
        before = [] if current is None else _as_list(current)
        combined = [*before, *added]
        findings[test_id] = combined[0] if len(combined) == 1 else combined
    merged = {**case_data, "findings": findings}
    if source:
        merged["notes"] = f"{case_data.get('notes') or ''}\nfindings merged from {source}".strip()
    return merged


def mark_confirmed(measured: Mapping[str, Any], reviewed: Collection[str]) -> dict[str, Any]:
    """Return the measured findings with `confirmed: true` on photo entries whose every photo is in `reviewed`
    (file names whose landmarks a clinician checked) and `confirmed: false` on the other photo entries."""
    out: dict[str, Any] = {}
    for test_id, entries in measured.items():
        marked = []
        for entry in _as_list(entries):
            names = photo_sources(entry) if isinstance(entry, Mapping) else ()
            marked.append({**entry, "confirmed": all(n in reviewed for n in names)} if names else entry)
        out[test_id] = marked if isinstance(entries, list) else marked[0]
    return out


def unreviewed_tests(measured: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the ids of tests with a photo entry whose landmarks were not confirmed by a clinician."""
    return tuple(test_id for test_id, entries in measured.items()
                 if any(isinstance(e, Mapping) and photo_sources(e) and e.get("confirmed") is not True
                        for e in _as_list(entries)))


def add_photo_spread(measured: Mapping[str, Any], values: Iterable[tuple[str, Sequence[float]]]
                     ) -> dict[str, Any]:
    """Return the measured findings with `spread` (largest minus smallest per-photo value) on each test's photo
    entries; `values` gives (test id, per-photo values of one side or metric) pairs, and a test's spread is the
    largest of its pairs'."""
    spreads: dict[str, float] = {}
    for test_id, per_photo in values:
        if len(per_photo) >= 2:
            spreads[test_id] = max(spreads.get(test_id, 0.0), round(max(per_photo) - min(per_photo), 2))
    out: dict[str, Any] = {}
    for test_id, entries in measured.items():
        if test_id not in spreads:
            out[test_id] = entries
            continue
        marked = [{**e, "spread": spreads[test_id]} if isinstance(e, Mapping) and photo_sources(e) else e
                  for e in _as_list(entries)]
        out[test_id] = marked if isinstance(entries, list) else marked[0]
    return out
