"""Who, when and what hurts, in words: the identity block and the complaint of every report.

Formatting only: the values come from `Assessment.identity` (copied from the case) and region names from the
knowledge base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from kinetrace.reports.model import ComplaintView, IdentityView
from kinetrace.result import CaseIdentity, ComplaintEntry

__all__ = ["SIDE_WORDS", "complaint_where", "date_words", "identity_view", "plain_region"]

SIDE_WORDS = {"left": "left side", "right": "right side", "bilateral": "both sides", "central": "middle",
              "none": ""}


def date_words(iso: str | None) -> str:
    """'2026-11-20' → '20 Nov 2026'; None → 'date not recorded'."""
    if not iso:
        return "date not recorded"
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%b %Y')}"


def plain_region(name: str) -> str:
    """The everyday part of a region name: 'Lumbar spine (low back)' → 'Low back'."""
    if "(" in name and name.endswith(")"):
        inner = name[name.index("(") + 1 : -1]
        if not any(ch.isdigit() for ch in inner):
            return inner[:1].upper() + inner[1:]
    return name


def complaint_where(entry: ComplaintEntry, region_name: str) -> str:
    """'Lumbar spine (low back), right side'."""
    side = SIDE_WORDS.get(entry.side, entry.side)
    return f"{region_name}, {side}" if side else region_name


def _weeks(w: float) -> str:
    if w < 1:
        return f"{round(w * 7)} days"
    return f"{w:g} week{'s' if w != 1 else ''}"


def _words(items: list[str]) -> str:
    return ", ".join(i.replace("_", " ") for i in items) or "not recorded"


def identity_view(ident: CaseIdentity | None, region_name: Callable[[str], str], *, fallback_ref: str,
                  plain: bool = False) -> IdentityView:
    """Return the identity block; without an identity (an old saved result) say what is not recorded."""
    if ident is None:
        return IdentityView(patient=f"ref {fallback_ref}", age_sex="not recorded", assessed_on=date_words(None),
                            assessor="not recorded", complaint=[])
    who = ident.patient_name or ""
    if ident.patient_ref:
        who = f"{who} (ref {ident.patient_ref})" if who else f"ref {ident.patient_ref}"
    age_sex = f"{ident.age} years" + (f", {ident.sex}" if ident.sex != "unknown" else "")
    if ident.birth_date:
        age_sex += f", born {date_words(ident.birth_date)}"
    when = date_words(ident.assessed_on) + (f", {ident.assessed_at}" if ident.assessed_at else "")
    assessor = ", ".join(x for x in (ident.assessor, ident.clinic) if x) or "not recorded"
    complaint = [
        ComplaintView(where=complaint_where(p, plain_region(region_name(p.region)) if plain else region_name(p.region)),
                      intensity=p.intensity,
                      duration=_weeks(p.duration_weeks), aggravating=_words(p.aggravating), easing=_words(p.easing))
        for p in ident.complaint
    ]
    return IdentityView(patient=who or fallback_ref, age_sex=age_sex, assessed_on=when, assessor=assessor,
                        complaint=complaint)
