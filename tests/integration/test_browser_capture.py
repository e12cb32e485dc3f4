"""A multi-camera 3-D capture uploaded through the wizard in a real browser (Chromium through Playwright).

A one-camera upload is refused beside its field; four real Pose2Sim demo clips (30 frames) with the demo's
Qualisys calibration are measured in the background as a `standing` trial on their first 10 frames (the person
stands still there; they never sit, so no seated test is filmed) and its 3-D findings (pelvic tilt and obliquity),
plot and stick figure reach the result page. Screenshots go to test-artifacts/browser/capture-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_server import ARTIFACTS, Server
from playwright.sync_api import Browser, Page, expect
from test_browser_clinic import _answer_all_no, _open_patient, _pain_step, _sign_in, _tests_step
from tests.capture.capture_media import write_clip
from tests.web.web_helpers import pose2sim_clip

CLINICIAN, PASSWORD = "clinician@demo.kinetrace", "demo-password"
CAPTURE_TIMEOUT_MS = 300_000  # 4 cameras × 30 frames of pose, then OpenSim scaling and IK, on a shared 2-core box


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    demo = pose2sim_clip().parents[1]
    folder = tmp_path_factory.mktemp("capture-clips")
    clips = [write_clip(demo / "videos" / f"cam0{i}.mp4", folder / f"cam0{i}.mp4", frames=30) for i in range(1, 5)]
    return clips, demo / "calibration" / "Calib.qca.txt"


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _to_photo_step(page: Page) -> None:
    _sign_in(page, CLINICIAN, PASSWORD)
    _open_patient(page, "Robin Patel")
    page.locator("#new-assessment").click()
    _pain_step(page)
    expect(page.get_by_role("heading", name="Red-flag questions")).to_be_visible()
    _answer_all_no(page)
    page.locator("#next").click()
    expect(page.get_by_role("heading", name="Tests")).to_be_visible()
    _tests_step(page, right_ir="19")
    expect(page.get_by_role("heading", name="Multi-camera 3-D capture")).to_be_visible()


def _upload(page: Page, videos: list[Path], calibration: Path) -> None:
    page.locator("#videos").set_input_files([str(v) for v in videos])
    page.locator("#calibration").set_input_files(str(calibration))
    page.get_by_label("Test filmed").select_option("standing")
    page.locator("#max_frames").fill("10")  # cam01 frames 0–9: quiet standing
    page.locator("#upload-capture").click()


def test_capture_upload_refusal_then_3d_findings_on_the_result(
    browser: Browser, server: Server, demo_files: tuple[list[Path], Path]
) -> None:
    clips, calibration = demo_files
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    _to_photo_step(page)

    _upload(page, clips[:1], calibration)
    expect(page.locator("#err-videos")).to_contain_text("two or more synchronised videos")
    expect(page.locator("#videos")).to_have_attribute("aria-invalid", "true")
    _shot(page, "capture-01-one-camera-refused")

    _upload(page, clips, calibration)
    item = page.locator("li.capture")
    expect(item.get_by_text(re.compile(r"Measured in 3-D: \d+ finding"))).to_be_visible(timeout=CAPTURE_TIMEOUT_MS)
    expect(item.get_by_text("no landmark review needed")).to_be_visible()
    expect(item.locator("tr[data-test=pelvic_tilt_sagittal]")).to_contain_text("3-D capture, 4 cameras")
    expect(item.get_by_role("img", name="3-D stick figure")).to_be_visible()
    _shot(page, "capture-02-measured")

    page.locator("#next").click()
    page.locator("#complete").click()
    captures = page.locator("#captures")
    expect(captures).to_be_visible()
    expect(captures.get_by_role("img", name="Joint angles over the trial")).to_be_visible()
    expect(captures.locator("tr[data-test=pelvic_tilt_sagittal]")).to_contain_text("3-D capture, 4 cameras")
    findings = page.locator("section.card", has=page.get_by_role("heading", name="Findings"))
    expect(findings.get_by_text("3-D capture, 4 cameras").first).to_be_visible()
    _shot(page, "capture-03-result")
    context.close()
