"""The body map turns ticked areas into a pain side and back, through `values.PainSide` (issue 14)."""

from __future__ import annotations

import yaml

from kinetrace.web.bodymap import AREAS, pain_side
from kinetrace.web.view import pain_area_keys


def test_ticked_areas_give_the_pain_side_as_plain_case_text() -> None:
    assert pain_side({"left", "right"}) == "bilateral"
    assert pain_side({"left"}) == "left"
    assert pain_side({"central", "left"}) == "central" and pain_side(set()) == "central"
    # the answer is written into the case file, so it must dump as a plain string
    assert yaml.safe_dump({"side": pain_side({"left", "right"})}).strip() == "side: bilateral"


def test_a_bilateral_or_one_sided_pain_shades_the_matching_areas() -> None:
    region = next(a.region for a in AREAS if a.side == "left")
    left = {a.key for a in AREAS if a.region == region and a.side == "left"}
    both = {a.key for a in AREAS if a.region == region and a.side in {"left", "right"}}
    assert pain_area_keys([{"region": region, "side": "left"}]) == left
    assert pain_area_keys([{"region": region, "side": "bilateral"}]) == both
    assert pain_area_keys([{"region": region}]) == both  # no side given reads as central: both sides
