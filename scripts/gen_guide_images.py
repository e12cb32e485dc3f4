"""Regenerate the pictures of docs/clinician-guide.md: report pages and web-app screenshots.

Report pages: the demo case's clinician and patient reports and a six-week reassessment, rendered by the real
report code, first pages turned into PNG with poppler's pdftoppm. Screenshots: a real `kinetrace serve --demo` on a
free port, driven by Debian's Chromium (/usr/bin/chromium) through Playwright, the same way tests/integration
does. Run after changing the reports or the web pages:

    python scripts/gen_guide_images.py            # both
    python scripts/gen_guide_images.py --reports  # report pages only (no browser)
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CLINICIAN, PASSWORD = "clinician@demo.kinetrace", "demo-password"


def _page_png(pdf: Path, page: int, name: str) -> None:
    stem = Path(tempfile.mkdtemp()) / "p"
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
                   check=True)
    made = next(stem.parent.glob("p-*.png"))
    shutil.move(made, OUT / f"{name}.png")
    print(f"wrote docs/images/{name}.png")


def report_pages() -> None:
    """Clinician summary and detail, patient handout pages, reassessment first page."""
    from kinetrace.assessment import assess
    from kinetrace.demo_cases import demo_case_path
    from kinetrace.intake import load_case
    from kinetrace.knowledge import load_knowledge
    from kinetrace.reports import compose_report, model_pdf

    kb = load_knowledge()
    case = load_case(demo_case_path())
    result = assess(case, kb)
    later_case = load_case(ROOT / "tests" / "fixtures" / "demo_week6.yaml")
    later = assess(later_case, kb)
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {
            "clinician": (result, case, None, [(1, "report-clinician-summary"), (2, "report-clinician-detail")]),
            "patient": (result, case, None, [(1, "report-patient-findings"), (2, "report-patient-programme")]),
            "reassessment": (later, later_case, result, [(1, "report-reassessment")]),
        }
        for name, (assessment, c, previous, pages) in jobs.items():
            audience = "patient" if name == "patient" else "clinician"
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(model_pdf(compose_report(assessment, audience=audience, generated_on="x", kb=kb, case=c,
                                                     previous=previous)))
            for number, image in pages:
                _page_png(pdf, number, image)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-c", "from kinetrace.cli.app import main; main()", "serve", "--demo", "--data-dir",
           str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/login", timeout=2).close()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {data_dir / 'server.log'}") from None
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def screenshots() -> None:
    """Sign in, open a demo patient, walk the wizard (pain map, red flags, tests), then the result and plan."""
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = _serve(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(base_url=url, viewport={"width": 1100, "height": 820}).new_page()
                page.set_default_timeout(30_000)

                def shot(name: str) -> None:
                    page.screenshot(path=str(OUT / f"{name}.png"))
                    print(f"wrote docs/images/{name}.png")

                page.goto("/login")
                page.get_by_label("Email").fill(CLINICIAN)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", name="Patients")).to_be_visible()
                shot("web-patients")
                page.get_by_role("link", name="Robin Patel").click()
                page.locator("#new-assessment").click()
                expect(page.get_by_role("heading", name="Pain map")).to_be_visible()
                page.locator('ellipse[data-key="pain__lumbar__central"]').click()
                page.locator("#intensity__lumbar").fill("5")
                page.locator("#weeks__lumbar").fill("14")
                page.locator("#aggravating__lumbar").fill("golf swing, turning to reverse the car")
                shot("web-1-pain-map")
                page.locator("#next").click()
                expect(page.get_by_role("heading", name="Red-flag questions")).to_be_visible()
                page.evaluate("document.querySelectorAll('input[type=radio][value=no]').forEach(r => r.checked = true)")
                shot("web-2-red-flags")
                page.locator("#next").click()
                expect(page.get_by_role("heading", name="Tests")).to_be_visible()
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                page.locator("#t__hip_ir_prone__left").fill("37")
                page.locator("#t__hip_ir_prone__right").fill("19")
                page.locator("#t__thoracic_rotation_seated__left").fill("45")
                page.locator("#t__thoracic_rotation_seated__right").fill("43")
                shot("web-3-tests")
                page.locator("#next").click()
                expect(page.get_by_role("heading", name="Photos and video")).to_be_visible()
                page.locator("#next").click()
                page.locator("#complete").click()
                expect(page.get_by_role("heading", name="Ranked sources and contributors")).to_be_visible()
                shot("web-4-result")
                page.locator("#plan-link").click()
                shot("web-5-plan")
                browser.close()
        finally:
            _stop(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", action="store_true", help="report pages only")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report_pages()
    if not args.reports:
        screenshots()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
