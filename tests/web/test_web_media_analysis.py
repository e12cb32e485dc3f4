"""Uploads analysed in the background with the real pose model: a photo (then re-analysed from moved
landmarks) and a video clip with its movement test."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_helpers import DEMO_CASE, Signed, pose2sim_clip, real_photo_bytes, sign_in

from kinetrace.web.app import create_app
from kinetrace.web.config import WebSettings


@pytest.fixture
def analysing_app(tmp_path: Path, kb, template_db: Path) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template_db, data / "kinetrace.sqlite3")
    yield create_app(WebSettings(data_dir=data, secret_key="test-secret", analyse_media=True), kb=kb)


def _wait(s: Signed, media_id: int, *, timeout_s: float = 120) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        media = s.api("GET", f"/api/v1/media/{media_id}").json()
        if media["status"] in ("done", "failed"):
            return media  # type: ignore[no-any-return]
        time.sleep(0.3)
    raise AssertionError(f"media {media_id} still {media['status']} after {timeout_s} s")


def test_photo_and_video_are_analysed_and_feed_the_assessment(analysing_app: FastAPI) -> None:
    s = sign_in(analysing_app, "doc@north.org")
    pid = s.api("POST", "/api/v1/patients", json={"display_name": "Mover"}).json()["id"]
    draft = s.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()
    url = f"/api/v1/assessments/{draft['id']}/media"
    photo = s.api(
        "POST", url, data={"view": "front"}, files={"file": ("front.jpg", io.BytesIO(real_photo_bytes()), "image/jpeg")}
    ).json()
    video = s.api(
        "POST",
        url,
        data={"view": "auto", "movement_test": "squat"},
        files={"file": ("squat.mp4", pose2sim_clip().read_bytes(), "video/mp4")},
    ).json()
    assert video["kind"] == "video" and video["movement_test"] == "squat"

    done = _wait(s, photo["id"])
    assert done["status"] == "done", done["error"]
    assert done["findings"] and all(f["source"] == "photo:front.jpg" for f in done["findings"].values())
    points = done["landmarks"]["points"]
    assert {"left_shoulder", "right_hip"} <= {p["name"] for p in points}
    moved = [{**p, "y": min(1.0, p["y"] + 0.02)} if p["name"] == "left_hip" else p for p in points]
    assert s.api("PUT", f"/api/v1/media/{photo['id']}/landmarks", json={"points": moved}).status_code == 200
    again = _wait(s, photo["id"])
    left_hip = next(p for p in again["landmarks"]["points"] if p["name"] == "left_hip")
    assert again["status"] == "done" and left_hip["provenance"] == "edited"

    clip = _wait(s, video["id"])
    # The demo clip is not a squat: the analysis either measures it or says plainly why it could not.
    assert clip["status"] == "done" or "squat.mp4" in (clip["error"] or "")

    result = s.api("POST", f"/api/v1/assessments/{draft['id']}/complete").json()
    methods = {f["method"] for f in result["result"]["findings"]}
    assert "front_photo" in methods
    s.client.__exit__(None, None, None)
