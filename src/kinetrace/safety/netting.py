"""Safety-netting advice for a case, chosen from `safety_netting.yaml` by the painful regions (no text in Python)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kinetrace.knowledge.schema import SafetyNet
from kinetrace.result import Triage

__all__ = ["review_advice", "safety_net_entries", "safety_net_lines"]


def safety_net_entries(nets: Iterable[SafetyNet], regions: Iterable[str]) -> list[SafetyNet]:
    """Return the safety-net entries that apply to any of `regions`, region-specific ones first, `all` last."""
    painful = set(regions)
    entries = [n for n in nets if n.kind == "warning"]
    specific = [n for n in entries if painful & set(n.regions)]
    general = [n for n in entries if "all" in n.regions and n not in specific]
    return specific + general


def safety_net_lines(triage: Triage, nets: Sequence[SafetyNet], regions: Iterable[str]) -> list[str]:
    """Return the safety-net advice for the patient: each fired flag's advice, then the region's warnings."""
    notes = [f"{f.suspected}: {f.advice} ({f.whom}, {f.how_soon})" for f in triage.flags]
    notes.extend(n.warning for n in safety_net_entries(nets, regions))
    return notes


def review_advice(nets: Iterable[SafetyNet]) -> SafetyNet | None:
    """Return the entry saying when to come back for a check, if the data has one."""
    return next((n for n in nets if n.kind == "review"), None)
