"""Fixtures shared by the Chromium browser tests: a real `kinetrace serve` on a demo data folder per test module,
and one headless Chromium per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A running demo server of its own for the test module (its data folder is new)."""
    from browser_server import prepare_data, running_server

    data = tmp_path_factory.mktemp(f"{request.module.__name__.rsplit('.', 1)[-1]}-data")
    prepare_data(data)
    with running_server(data) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; screenshots go to test-artifacts/browser/."""
    from browser_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
