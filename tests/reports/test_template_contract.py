"""Templates use only fields the report model declares, and render strictly for both audiences."""

from __future__ import annotations

from importlib import resources
from typing import Any

import jinja2
from jinja2 import nodes
from pydantic import BaseModel

from kinetrace.progress import compare_assessments
from kinetrace.reports import PhotoPair, PhotoView, compose_report, model_html
from kinetrace.reports import model as report_model
from kinetrace.reports.reassessment import progress_view
from kinetrace.result import Assessment

# Jinja attributes that are not model fields: loop helpers.
_ALLOWED = {"first", "last", "index", "length"}
_PIXEL = (  # a 1 × 1 PNG
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _declared_fields() -> set[str]:
    fields: set[str] = set()
    for obj in vars(report_model).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            fields |= set(obj.model_fields)
    return fields


def test_templates_read_only_declared_fields() -> None:
    env = jinja2.Environment()
    folder = resources.files("kinetrace.reports").joinpath("templates")
    declared = _declared_fields() | _ALLOWED
    used: set[str] = set()
    for entry in folder.iterdir():
        if entry.name.endswith(".j2"):
            tree = env.parse(entry.read_text(encoding="utf-8"))
            used |= {node.attr for node in tree.find_all(nodes.Getattr)}
    assert used, "no attribute access found: the parser walk is broken"
    assert used - declared == set()


def test_partials_start_with_underscore_and_pages_include_them() -> None:
    folder = resources.files("kinetrace.reports").joinpath("templates")
    names = {e.name for e in folder.iterdir() if e.name.endswith(".j2")}
    assert {"base.html.j2", "clinician.html.j2", "patient.html.j2"} <= names
    assert all(n.startswith("_") for n in names - {"base.html.j2", "clinician.html.j2", "patient.html.j2"})


def test_every_section_renders_strictly(sample: Assessment, sample_week6: Assessment, kb: Any) -> None:
    photo = PhotoView(caption="side.jpg", data_uri=_PIXEL)
    pair = PhotoPair(caption="side", before_uri=_PIXEL, after_uri=_PIXEL)
    for audience in ("clinician", "patient"):
        model = compose_report(sample_week6, audience=audience, generated_on="2 Jan 2027", kb=kb, photos=[photo],
                               previous=sample, photo_pairs=[pair])
        html = model_html(model)  # StrictUndefined: a missing field raises here
        assert "Before · side" in html and "side.jpg" in html
    progress = progress_view(compare_assessments(sample, sample_week6, kb), before_label="a", after_label="b")
    # Worked by hand: left hip IR +12° and the L–R gap 16° → 4° exceed √2 × 5° = 7.1°; the CVA's +4.5° exceeds
    # the combined photo error hypot(2.5, 2.5) = 3.5°. Right IR, both thoracic sides and pelvic tilt stay within.
    assert progress.summary.startswith(
        "Tests measured again: 3 improved and 0 worse beyond measurement error; 4 within"
    )
