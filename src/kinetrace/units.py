"""Sides, units and their conversions (pure helpers used across the core)."""

from __future__ import annotations

import math
from enum import StrEnum

from kinetrace.errors import InputError

__all__ = ["UNIT_ALIASES", "Side", "Unit", "convert", "parse_unit"]


class Side(StrEnum):
    """Body side of a measurement or a pain region."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    NONE = "none"


class Unit(StrEnum):
    """Canonical units used in the knowledge base and in outputs."""

    DEG = "deg"
    CM = "cm"
    MM = "mm"
    S = "s"
    MMHG = "mmHg"
    POINTS = "points"
    COUNT = "count"
    NONE = "none"


UNIT_ALIASES: dict[str, str] = {
    "deg": "deg", "degree": "deg", "degrees": "deg", "°": "deg",
    "rad": "rad", "radian": "rad", "radians": "rad",
    "mm": "mm", "millimetre": "mm", "millimeter": "mm", "millimetres": "mm", "millimeters": "mm",
    "cm": "cm", "centimetre": "cm", "centimeter": "cm", "centimetres": "cm", "centimeters": "cm",
    "in": "in", "inch": "in", "inches": "in", "m": "m",
    "s": "s", "sec": "s", "second": "s", "seconds": "s", "ms": "ms", "min": "min",
    "mmhg": "mmHg",
    "points": "points", "point": "points", "score": "points",
    "count": "count", "n": "count", "positive": "count",
    "none": "none", "": "none",
}

# factor to convert the key unit into the canonical unit of its dimension
_TO_CANONICAL: dict[str, tuple[str, float]] = {
    "deg": ("deg", 1.0),
    "rad": ("deg", 180.0 / math.pi),
    "mm": ("mm", 1.0),
    "cm": ("mm", 10.0),
    "in": ("mm", 25.4),
    "m": ("mm", 1000.0),
    "s": ("s", 1.0),
    "ms": ("s", 0.001),
    "min": ("s", 60.0),
    "mmHg": ("mmHg", 1.0),
    "points": ("points", 1.0),
    "count": ("count", 1.0),
    "none": ("none", 1.0),
}


def parse_unit(text: str, *, field: str = "unit") -> str:
    """Return the canonical spelling of a unit name, or raise InputError naming `field`."""
    key = text.strip().lower() if text.strip().lower() != "mmhg" else "mmhg"
    if key not in UNIT_ALIASES:
        raise InputError(field, text, "one of deg, rad, mm, cm, in, s, mmHg, points, count")
    return UNIT_ALIASES[key]


def convert(value: float, from_unit: str, to_unit: str, *, field: str = "unit") -> float:
    """Convert `value` between units of the same dimension (deg/rad, mm/cm/in/m, s/ms/min).

    >>> round(convert(1.0, "in", "cm"), 2)
    2.54
    """
    src = parse_unit(from_unit, field=field)
    dst = parse_unit(to_unit, field=field)
    src_dim, src_factor = _TO_CANONICAL[src]
    dst_dim, dst_factor = _TO_CANONICAL[dst]
    if src_dim != dst_dim:
        raise InputError(field, from_unit, f"a unit convertible to {to_unit}")
    return value * src_factor / dst_factor
