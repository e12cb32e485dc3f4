"""Formatting for templates: filters, triage styling, and the chain drawn on the body. No clinical rules here:
every value shown comes from a stored `Assessment`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from jinja2 import Environment

from kinetrace.values import SINGLE_SIDES, ActionLevel, PainSide, Side
from kinetrace.web.bodymap import AREAS, REGION_POINTS

__all__ = ["REFERRAL_ACTIONS", "chain_drawing", "install_filters", "is_referral", "pain_area_keys", "rank_reasons"]

# Action levels (ids from the knowledge schema) that send the patient elsewhere: the wizard stops on these.
REFERRAL_ACTIONS = frozenset(a for a in ActionLevel if a.is_referral)
_ACTION_STYLE = {
    ActionLevel.EMERGENCY_REFERRAL: "danger",
    ActionLevel.URGENT_REFERRAL: "danger",
    ActionLevel.ROUTINE_REFERRAL: "warn",
    ActionLevel.REQUEST_RED_FLAG_SCREEN: "warn",
    ActionLevel.PROCEED_WITH_SAFETY_NETTING: "ok",
    ActionLevel.PROCEED_CONSERVATIVE_PLAN: "ok",
}


def _action_style(action: str | None) -> str:
    return _ACTION_STYLE[ActionLevel(action)] if action in set(ActionLevel) else "warn"


def is_referral(action: str | None) -> bool:
    """Return True when a triage action level means referral (the wizard stops and says so)."""
    return action in set(ActionLevel) and ActionLevel(action).is_referral


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


def _method(finding: Any) -> str:
    """A finding's method for people: "3-D capture, 4 cameras" for a multi-camera finding, else its id in words."""
    from kinetrace.capture.labels import method_label

    if isinstance(finding, dict):
        method, source = finding.get("method"), finding.get("source")
    else:
        method, source = getattr(finding, "method", None), getattr(finding, "source", None)
    return method_label(method, source) or _label(method)


def _name(node_id: Any) -> str:
    """A knowledge-base id (impairment, region, test, behaviour) as its human name."""
    from kinetrace.knowledge import load_knowledge

    return str(load_knowledge().name_of(str(node_id or ""))) if node_id else ""


def _words(text: Any) -> str:
    """Core text for people: ids become names, pointers into the specification go (as in the reports)."""
    from kinetrace.knowledge import load_knowledge
    from kinetrace.reports.wording import humanise, without_case_file_hints

    return humanise(without_case_file_hints(str(text or "")), load_knowledge())


def _kind(kind: Any) -> str:
    from kinetrace.result import KIND_LABELS

    return KIND_LABELS.get(str(kind), _label(kind))


def install_filters(env: Environment) -> None:
    """Register the template filters and globals."""
    env.filters.update(
        pct=_pct,
        when=_when,
        label=_label,
        name=_name,
        kind=_kind,
        words=_words,
        method=_method,
        number=_number,
        plain=_plain,
        action_style=_action_style,
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


def chain_drawing(result: dict[str, Any], kb: Any, *, top: int = 8) -> list[dict[str, Any]]:
    """Return one drawing per ranked path of the top items: [{id, name, probability, grade, kind, ...}].

    A path that crosses body areas is a polyline ("line") from the contributor's region to the painful region; a
    path that stays inside one area (a local source, or a chain whose nodes all sit in the painful region) is a
    loop drawn on that area ("local"), so every ranked path appears on the body.
    """
    drawings: list[dict[str, Any]] = []
    for item in result.get("ranking", [])[:top]:
        for path in item.get("paths", []):
            nodes = [*path.get("nodes", []), path.get("region", "")]
            points = [p for p in (_node_point(n, kb) for n in nodes) if p]
            deduped = [pt for i, pt in enumerate(points) if i == 0 or pt != points[i - 1]]
            if not deduped:
                continue
            # Shift each drawing a little sideways so drawings along the same regions stay distinguishable.
            dx = 6.0 * (len(drawings) % 5) - 12.0
            shifted = [(x + dx, y) for x, y in deduped]
            drawing = {
                "id": item["id"],
                "name": item["name"],
                "probability": item["probability"],
                "grade": path.get("grade", ""),
                "region": path.get("region", ""),
                "start": shifted[0],
                "end": shifted[-1],
            }
            if len(shifted) >= 2:
                drawing |= {"kind": "line", "points": " ".join(f"{x:.0f},{y:.0f}" for x, y in shifted)}
            else:
                drawing |= {"kind": "local", "points": ""}
            drawings.append(drawing)
    return drawings


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_reasons(result: dict[str, Any]) -> dict[str, str]:
    """Return {item id: why it sits where it does}, from the stored probabilities, priors, states and pain
    behaviour only (the ranking orders items by probability)."""
    ranking = result.get("ranking", [])
    reasons: dict[str, str] = {}
    for i, item in enumerate(ranking):
        parts = [f"{_ordinal(i + 1)}: probability {_pct(item.get('probability'))}"]
        prior = item.get("prior")
        if prior is not None:
            moved = "raised" if item["probability"] > prior else "lowered" if item["probability"] < prior else "kept"
            parts.append(f"{moved} from a starting {_pct(prior)} by what was found ({_label(item.get('state'))})")
        if item.get("behaviour_matches"):
            parts.append("pain behaviour fits (" + ", ".join(map(_name, item["behaviour_matches"])) + ")")
        if item.get("behaviour_mismatches"):
            parts.append("pain behaviour does not fit (" + ", ".join(map(_name, item["behaviour_mismatches"])) + ")")
        if i > 0:
            above = ranking[i - 1]
            parts.append(f"below {above['name']} ({_pct(above.get('probability'))})")
        if i + 1 < len(ranking):
            below = ranking[i + 1]
            parts.append(f"above {below['name']} ({_pct(below.get('probability'))})")
        if item.get("kind") == "local" or not item.get("paths"):
            parts.append("a local source: it sits in the painful region itself")
        reasons[item["id"]] = "; ".join(parts) + "."
    return reasons


def pain_area_keys(pain: list[dict[str, Any]]) -> set[str]:
    """Return the body-map area keys to shade for the pain entries, honouring each entry's side."""
    keys: set[str] = set()
    for entry in pain:
        region, side = entry.get("region"), entry.get("side", "central")
        areas = [a for a in AREAS if a.region == region]
        central = [a for a in areas if PainSide(a.side) is PainSide.CENTRAL]
        if central:
            keys.update(a.key for a in central)
            continue
        wanted = set(SINGLE_SIDES) if side in (PainSide.BILATERAL, PainSide.CENTRAL, Side.BOTH, None) else {side}
        keys.update(a.key for a in areas if a.side in wanted)
    return keys
