"""The reports' API as other adapters call it: `render_pdf(result, kb)` / `render_html(result, kb)`."""

from __future__ import annotations

from typing import Any

from kinetrace.reports import render_html, render_pdf


def test_web_bridge_call_shape_returns_html_and_pdf(demo: tuple, kb: Any) -> None:
    assessment, _ = demo
    html = render_html(assessment, kb)  # the web app's bridge passes (result, kb) positionally
    assert html.startswith("<!DOCTYPE html>") and "Clinician report" in html
    assert render_pdf(assessment, kb, audience="patient", generated_on="1 Dec 2026").startswith(b"%PDF-")


def test_html_is_self_contained(demo: tuple, kb: Any) -> None:
    html = render_html(demo[0], kb, audience="patient")
    assert "<link" not in html and "src=\"http" not in html and "url(http" not in html
