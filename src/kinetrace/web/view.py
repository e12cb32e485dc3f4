"""Formatting for templates: filters, triage styling, and the chain drawn on the body. No clinical rules here:
every value shown comes from a stored `Assessment`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from jinja2 import Environment

from kinetrace.web.bodymap import AREAS, REGION_POINTS

__all__ = ["REFERRAL_ACTIONS", "chain_drawing", "install_filters", "is_referral"]

# Action levels (ids from the knowledge schema) that send the patient elsewhere: the wizard stops on these.
REFERRAL_ACTIONS = frozenset({"emergency_referral", "urgent_referral", "routine_referral"})
_ACTION_STYLE = {
    "emergency_referral": "danger",
    "urgent_referral": "danger",
    "routine_referral": "warn",
    "request_red_flag_screen": "warn",
    "proceed_with_safety_netting": "ok",
    "proceed_conservative_plan": "ok",
}


def is_referral(action: str | None) -> bool:
    """Return True when a triage action level means referral (the wizard stops and says so)."""
    return action in REFERRAL_ACTIONS


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{100 * float(p):.0f} %"


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _label(value: Any) -> str:
    return str(value or "").replace("_", " ")


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


# Evidence figures written for clinicians ("(pooled SMD −0.33 for pain ...)") are left out of the patient's view.
_EVIDENCE_ASIDE = re.compile(r"\s*\([^()]*(?:SMD|\bCI\b|RCT|[Gg]rade|\bR\d+\b|%|certainty|p\s*[<=])[^()]*\)")


def _plain(text: Any) -> str:
    return _EVIDENCE_ASIDE.sub("", str(text or ""))


def install_filters(env: Environment) -> None:
    """Register the template filters and globals."""
    env.filters.update(
        pct=_pct,
        when=_when,
        label=_label,
        number=_number,
        plain=_plain,
        action_style=lambda a: _ACTION_STYLE.get(str(a), "warn"),
    )
    env.globals.update(body_areas=AREAS, is_referral=is_referral)


def _node_point(node: str, kb: Any) -> tuple[float, float] | None:
    if node in REGION_POINTS:
        return REGION_POINTS[node]
    impairment = kb.impairments.get(node) if kb is not None else None
    if impairment is not None:
        for region in impairment.regions:
            if region in REGION_POINTS:
                return REGION_POINTS[region]
    return None


def chain_drawing(result: dict[str, Any], kb: Any, *, top: int = 3) -> list[dict[str, Any]]:
    """Return polylines for the top-ranked items' paths: [{id, name, probability, points, grade}].

    Each path's nodes are placed at the region the knowledge base gives them, ending at the painful region.
    """
    lines: list[dict[str, Any]] = []
    for item in result.get("ranking", [])[:top]:
        for path in item.get("paths", [])[:1]:
            # Shift each chain a little sideways so chains along the same regions stay distinguishable.
            dx = 7.0 * len(lines)
            nodes = [*path.get("nodes", []), path.get("region", "")]
            points = [(p[0] + dx, p[1]) for p in (_node_point(n, kb) for n in nodes) if p]
            deduped = [pt for i, pt in enumerate(points) if i == 0 or pt != points[i - 1]]
            if len(deduped) >= 2:
                lines.append(
                    {
                        "id": item["id"],
                        "name": item["name"],
                        "probability": item["probability"],
                        "grade": path.get("grade", ""),
                        "points": " ".join(f"{x:.0f},{y:.0f}" for x, y in deduped),
                        "start": deduped[0],
                        "end": deduped[-1],
                    }
                )
    return lines
