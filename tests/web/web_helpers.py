"""Helpers for the web tests: signed-in clients, CSRF tokens, a demo case and a tiny PNG."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kinetrace.demo_cases import demo_case_path

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Signed:
    """A signed-in client with its CSRF token."""

    client: TestClient
    csrf: str
    clinic_id: int
    user_id: int

    def form(self, url: str, data: dict[str, str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
        """POST a form with the CSRF token; redirects are not followed."""
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kw)

    def api(self, method: str, url: str, **kw: object):  # type: ignore[no-untyped-def]
        """Call the JSON API with the CSRF header."""
        return self.client.request(method, url, headers={"X-CSRF-Token": self.csrf}, **kw)


def csrf_of(html: str) -> str:
    """Return the CSRF token embedded in a page."""
    match = _CSRF.search(html)
    assert match, "no csrf_token in page"
    return match.group(1)


def sign_in(app: FastAPI, email: str) -> Signed:
    """Return a client signed in through the API (the secure cookie needs https)."""
    client = TestClient(app, base_url="https://testserver")
    client.__enter__()
    res = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert res.status_code == 200, res.text
    body = res.json()
    return Signed(client, body["csrf_token"], body["clinic_id"], body["user_id"])


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """Return a small valid PNG (a real image, not just a signature)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buf, format="PNG")
    return buf.getvalue()


# A whole case in kinetrace.case/1 format: the shipped demo case (right-sided rotation-provoked low-back pain with
# limited hip IR), read from the one file so the tests and the demo cannot drift apart.
DEMO_CASE: dict[str, Any] = yaml.safe_load(demo_case_path().read_text(encoding="utf-8"))


def pose2sim_clip() -> Path:
    """Return the real Pose2Sim demo clip (a person standing and moving, 4 cameras) fetched by 40-media.sh."""
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[2] / ".cache"))
    video = cache / "media" / "pose2sim" / "Demo_SinglePerson" / "videos" / "cam01.mp4"
    if not video.is_file():
        raise RuntimeError(f"{video} is missing: run scripts/setup.d/40-media.sh (scripts/test-all does).")
    return video


def real_photo_bytes() -> bytes:
    """Return one real frame (a person standing, front view) of the Pose2Sim demo clip as JPEG bytes."""
    import cv2

    cap = cv2.VideoCapture(str(pose2sim_clip()))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 5)
    ok, frame = cap.read()
    cap.release()
    assert ok, "could not read the demo clip"
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return bytes(jpeg)
