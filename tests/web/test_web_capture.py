"""Multi-camera 3-D capture in the web app, on real Pose2Sim demo footage (4 cameras, Qualisys calibration).

One upload runs the real pipeline (pose, triangulation, OpenSim scaling and IK) in the background job on a short
window of the demo, and its findings reach the result page and the stored assessment; a camera-order mix-up is
refused by the reprojection gate and shown as failed, gate named.
"""

from __future__ import annotations

import re
import shutil
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from html_tree import parse
from tests.capture.capture_media import write_clip
from web_helpers import DEMO_CASE, Signed, pose2sim_clip, sign_in

from kinetrace.web.app import create_app
from kinetrace.web.config import WebSettings

FRAMES = 30  # the window tests/capture/test_pipeline.py shows passing every gate


def _demo() -> Path:
    d = pose2sim_clip().parents[1]
    assert (d / "calibration" / "Calib.qca.txt").is_file(), f"{d} is missing: run scripts/setup.d/40-media.sh"
    return d


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The first 30 real frames of each demo camera, re-encoded as the MP4s a clinic would upload."""
    folder = tmp_path_factory.mktemp("clips")
    return [
        write_clip(_demo() / "videos" / f"cam0{i}.mp4", folder / f"cam0{i}.mp4", frames=FRAMES) for i in range(1, 5)
    ]


@pytest.fixture(scope="module")
def qca() -> Path:
    return _demo() / "calibration" / "Calib.qca.txt"


@pytest.fixture
def analysing_app(tmp_path: Path, kb, template_db: Path) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template_db, data / "kinetrace.sqlite3")
    yield create_app(WebSettings(data_dir=data, secret_key="test-secret", analyse_media=True), kb=kb)


def _draft(s: Signed, case: dict | None = None) -> int:  # type: ignore[type-arg]
    pid = s.api("POST", "/api/v1/patients", json={"display_name": "Three Dee"}).json()["id"]
    body = {"case": case or DEMO_CASE, "complete": False}
    return int(s.api("POST", f"/api/v1/patients/{pid}/assessments", json=body).json()["id"])


def capture_files(videos: list[Path], calibration: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    """Multipart parts of a capture upload: each video, then the calibration."""
    parts = [("videos", (v.name, v.read_bytes(), "video/mp4")) for v in videos]
    return [*parts, ("calibration", (calibration.name, calibration.read_bytes(), "text/plain"))]


def _wait(s: Signed, media_id: int, *, timeout_s: float = 300) -> dict:  # type: ignore[type-arg]
    deadline, seen = time.monotonic() + timeout_s, set()
    while time.monotonic() < deadline:
        media = s.api("GET", f"/api/v1/media/{media_id}").json()
        seen.add(media["progress"])
        if media["status"] in ("done", "failed"):
            media["seen_progress"] = sorted(seen)
            return media  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError(f"capture {media_id} still {media['status']} after {timeout_s} s")


def _check_photos_step(s: Signed, aid: int, media_id: int, entry: dict) -> None:  # type: ignore[type-arg]
    """The photos step: findings with method and validated error, gates passed, plot and stick figure, no review."""
    page = parse(s.client.get(f"/assessments/{aid}/photos").text)
    item = page.one("li", id=f"capture-{media_id}")
    assert item is not None and item.attrs["data-status"] == "done"
    assert item.one(cls="no-review-needed") is not None
    row = item.one("tr", data_test="hip_ir_seated")
    assert row is not None and "3-D capture, 4 cameras" in row.text and f"± {entry['uncertainty']:g}" in row.text
    assert row.text.startswith("Hip internal rotation, seated")  # the knowledge base's name, not the id
    gates = [li.text for li in item.one("details", cls="gates").all("li")]
    assert [g.split(":")[0] for g in gates] == [
        "camera_sees_person",
        "reprojection",
        "still_for_scaling",
        "movement_is_test",
    ]
    assert {img.attrs["src"].rsplit("/", 1)[1] for img in item.all("img")} == {"angles.png", "stick_figure.png"}
    plot = s.client.get(f"/media/{media_id}/capture/angles.png")
    assert plot.status_code == 200 and plot.headers["content-type"] == "image/png" and plot.content[:4] == b"\x89PNG"
    assert s.client.get(f"/media/{media_id}/capture/../kinetrace.sqlite3").status_code == 404
    assert s.api("POST", f"/api/v1/media/{media_id}/review").status_code == 409  # nothing to review


def test_capture_is_measured_merged_and_shown(analysing_app: FastAPI, clips: list[Path], qca: Path) -> None:
    s = sign_in(analysing_app, "doc@north.org")
    aid = _draft(s)
    res = s.form(
        f"/assessments/{aid}/captures",
        {"capture_test": "hip_rotation", "sync": "none"},
        files=capture_files(clips, qca),
    )
    assert res.status_code == 303, res.text
    [media] = s.api("GET", f"/api/v1/assessments/{aid}/media").json()
    assert media["kind"] == "capture" and media["movement_test"] == "hip_rotation"
    done = _wait(s, media["id"])
    assert done["status"] == "done", done["error"]
    assert any(10 < p < 100 for p in done["seen_progress"]), done["seen_progress"]  # progress shown while running
    entry = done["findings"]["hip_ir_seated"]
    assert (
        entry["method"] == "multi_camera_3d" and entry["source"] == "multi-camera 3-D capture (4 cameras, hip_rotation)"
    )
    assert isinstance(entry["left"], float) and isinstance(entry["right"], float) and entry["uncertainty"] > 0

    _check_photos_step(s, aid, media["id"], entry)
    other = sign_in(analysing_app, "doc@south.org")  # the plot exists, but not for another clinic
    assert other.client.get(f"/media/{media['id']}/capture/angles.png").status_code == 404
    other.client.__exit__(None, None, None)

    # outputs live in the data folder with the uploads' permissions (folders 0700, files 0600)
    folder = next((analysing_app.state.kt.uploads_dir).glob("*.capture"))
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))

    # complete: the 3-D finding is merged without a review, and shown on the result page
    assert s.form(f"/assessments/{aid}/complete").status_code == 303
    stored = s.api("GET", f"/api/v1/assessments/{aid}").json()
    case_entry = stored["case"]["findings"]["hip_ir_seated"]
    assert case_entry["method"] == "multi_camera_3d" and case_entry["left"] == entry["left"]
    [finding] = [f for f in stored["result"]["findings"] if f["test_id"] == "hip_ir_seated"]
    assert finding["method"] == "multi_camera_3d" and finding["uncertainty"] == entry["uncertainty"]
    result = parse(s.client.get(f"/assessments/{aid}").text)
    section = result.one("section", id="captures")
    assert section is not None and "no landmark review was needed" in section.text
    assert {img.attrs["src"].rsplit("/", 1)[1] for img in section.all("img")} == {"angles.png", "stick_figure.png"}
    captured_row = section.one("tr", data_test="hip_ir_seated")
    assert captured_row is not None and captured_row.text.startswith("Hip internal rotation, seated")
    assert "3-D capture, 4 cameras" in captured_row.text
    rows = [tr.text for tr in result.all("tr") if tr.text.startswith(finding["name"])]
    assert any("3-D capture, 4 cameras" in t for t in rows), rows

    # the clinician report lists it with its method, validated error and test, and carries the angle plot
    report = s.client.get(f"/assessments/{aid}/report.html")
    assert report.status_code == 200
    text = parse(report.text).text
    assert "3-D capture, 4 cameras; test: hip rotation" in text
    assert re.search(r"3-D capture, validated ±\d", text)
    assert "joint angles over the hip rotation trial" in text
    s.client.__exit__(None, None, None)


def test_hand_entered_value_stands_over_the_capture(analysing_app: FastAPI) -> None:
    """The merge is `intake.merge` (hand value first); normalise keeps the hand value and sets the 3-D one aside."""
    from kinetrace.knowledge import load_knowledge
    from kinetrace.storage.records import MediaRecord
    from kinetrace.web.wizard import counts_in_assessment, merge_media_findings, run_assessment

    capture = {
        "hip_ir_seated": {
            "method": "multi_camera_3d",
            "source": "multi-camera 3-D capture (4 cameras, hip_rotation)",
            "unit": "deg",
            "left": 20.0,
            "right": 44.0,
            "uncertainty": 5.0,
        }
    }
    media = MediaRecord(
        id=1,
        assessment_id=1,
        kind="capture",
        view="3d",
        movement_test="hip_rotation",
        original_name="a.mp4 + b.mp4 · c.toml",
        stored_name="x.capture",
        content_type="x",
        size_bytes=1,
        status="done",
        progress=100,
        error=None,
        landmarks={},
        edited_landmarks=None,
        findings=capture,
        warnings=[],
        created_at=datetime.now(UTC),
        reviewed_at=None,
    )
    assert counts_in_assessment(media)  # no landmark review needed
    hand = {
        **DEMO_CASE,
        "findings": {
            **DEMO_CASE["findings"],
            "hip_ir_seated": {"left": 38, "right": 40, "unit": "deg", "method": "goniometer"},
        },
    }
    result = run_assessment(merge_media_findings(hand, [media]), load_knowledge(), profile="evidence")
    [f] = [f for f in result.findings if f.test_id == "hip_ir_seated"]
    assert f.method == "goniometer" and f.left == 38
    assert any(d["method"] == "multi_camera_3d" for d in f.discarded)


def test_camera_order_mix_up_fails_with_the_gate_named(analysing_app: FastAPI, clips: list[Path], qca: Path) -> None:
    s = sign_in(analysing_app, "doc@north.org")
    aid = _draft(s)
    swapped = [clips[1], clips[0], clips[2], clips[3]]  # same image size, so only triangulation can tell
    res = s.api(
        "POST",
        f"/api/v1/assessments/{aid}/captures",
        data={"capture_test": "hip_rotation", "max_frames": "12"},
        files=capture_files(swapped, qca),
    )
    assert res.status_code == 201, res.text
    failed = _wait(s, res.json()["id"])
    assert failed["status"] == "failed" and failed["findings"] is None
    assert failed["error"].startswith("gate reprojection:"), failed["error"]
    item = parse(s.client.get(f"/assessments/{aid}/photos").text).one("li", id=f"capture-{failed['id']}")
    assert item is not None and item.one(cls="analysis-failed") is not None
    assert "gate reprojection" in item.one(cls="capture-error").text  # type: ignore[union-attr]
    s.client.__exit__(None, None, None)
