"""Bad multi-camera uploads are refused like the CLI refuses them: one message naming the form field, the value and
what was expected, shown beside the field (page) or in the canonical error JSON (API), and nothing stored — no
media row, no audit event, no file left in the uploads folder. Real demo clips (12 frames) and calibration."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from html_tree import parse
from tests.capture.capture_media import write_clip
from web_helpers import DEMO_CASE, Signed, pose2sim_clip, sign_in

from kinetrace.storage import audit as audit_repo
from kinetrace.storage import media as media_repo
from kinetrace.storage.records import Scope
from kinetrace.web.app import create_app
from kinetrace.web.config import WebSettings

FRAMES = 12


@pytest.fixture(scope="module")
def demo() -> Path:
    d = pose2sim_clip().parents[1]
    assert (d / "calibration" / "Calib.qca.txt").is_file(), f"{d} is missing: run scripts/setup.d/40-media.sh"
    return d


@pytest.fixture(scope="module")
def clips(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    return [write_clip(demo / "videos" / f"cam0{i}.mp4", folder / f"cam0{i}.mp4", frames=FRAMES) for i in range(1, 5)]


@pytest.fixture(scope="module")
def qca(demo: Path) -> Path:
    return demo / "calibration" / "Calib.qca.txt"


@pytest.fixture
def app(tmp_path: Path, kb, template_db: Path) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    """An app that stores uploads but does not analyse them (the refusals happen before any analysis)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template_db, data / "kinetrace.sqlite3")
    yield create_app(WebSettings(data_dir=data, secret_key="test-secret", analyse_media=False), kb=kb)


@pytest.fixture
def doc(app: FastAPI) -> Iterator[Signed]:
    signed = sign_in(app, "doc@north.org")
    yield signed
    signed.client.__exit__(None, None, None)


def _draft(s: Signed) -> int:
    pid = s.api("POST", "/api/v1/patients", json={"display_name": "Three Dee"}).json()["id"]
    return int(
        s.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}).json()["id"]
    )


def _parts(videos: list[Path], calibration: Path | None, extra: list | None = None) -> list:  # type: ignore[type-arg]
    parts = [("videos", (v.name, v.read_bytes(), "video/mp4")) for v in videos]
    if calibration is not None:
        parts.append(("calibration", (calibration.name, calibration.read_bytes(), "text/plain")))
    return parts + (extra or [])


def _nothing_stored(app: FastAPI, s: Signed, aid: int) -> None:
    state = app.state.kt
    assert list(state.uploads_dir.iterdir()) == []
    with state.read_sessions() as db:
        assert media_repo.list_media(db, Scope(s.clinic_id), aid) == []
        assert not [e for e in audit_repo.list_audit(db, Scope(s.clinic_id)) if e.action == "upload"]


def _refused_on_page(app: FastAPI, s: Signed, parts: list, data: dict[str, str], field: str) -> str:  # type: ignore[type-arg]
    aid = _draft(s)
    res = s.form(f"/assessments/{aid}/captures", {"capture_test": "hip_rotation", **data}, files=parts)
    assert res.status_code == 422, res.text
    page = parse(res.text)
    errors = page.all(cls="field-error")
    assert [e.attrs["id"] for e in errors] == [f"err-{field}"], [e.text for e in errors]
    control = page.one(id=field)
    assert control is not None and control.attrs.get("aria-invalid") == "true"
    _nothing_stored(app, s, aid)
    return errors[0].text


def test_one_camera_only(app: FastAPI, doc: Signed, clips: list[Path], qca: Path) -> None:
    message = _refused_on_page(app, doc, _parts(clips[:1], qca), {}, "videos")
    assert message.startswith("videos: got '1 video'; expected two or more synchronised videos")


def test_unequal_frame_rates_without_sync(
    app: FastAPI, doc: Signed, clips: list[Path], demo: Path, tmp_path: Path
) -> None:
    slow = write_clip(demo / "videos" / "cam02.mp4", tmp_path / "cam02_30fps.mp4", frames=FRAMES, fps=30.0)
    parts = _parts([clips[0], slow, clips[2], clips[3]], demo / "calibration" / "Calib.qca.txt")
    message = _refused_on_page(app, doc, parts, {"sync": "none"}, "videos")
    assert "frame rates differ" in message and "cam02_30fps.mp4 30 fps" in message and "cam01.mp4 60 fps" in message
    assert "capture sync" in message


def test_calibration_of_other_cameras(app: FastAPI, doc: Signed, clips: list[Path], qca: Path) -> None:
    message = _refused_on_page(app, doc, _parts(clips[:2], qca), {}, "calibration")
    assert message.startswith("calibration: holds 4 cameras") and "but 2 videos were given" in message
    other = pose2sim_clip().parents[3] / "sports2d" / "Demo" / "demo.mp4"  # a landscape camera of another rig
    message = _refused_on_page(app, doc, _parts([other, *clips[1:]], qca), {}, "calibration")
    assert "camera cam01 is 1088×1920 px but demo.mp4 is" in message
    assert "/" not in message.split(" px but ")[1]  # the user's file name, never a server path


def test_calibration_that_is_not_one(app: FastAPI, doc: Signed, clips: list[Path], tmp_path: Path) -> None:
    notes = tmp_path / "calib.json"
    notes.write_text("{}", encoding="utf-8")
    message = _refused_on_page(app, doc, _parts(clips[:2], notes), {}, "calibration")
    assert message == (
        "calibration: got 'calib.json'; expected a Pose2Sim .toml, Qualisys .qca.txt or OpenCap "
        ".pickle calibration file."
    )
    broken = tmp_path / "broken.toml"
    broken.write_text("[cam_01\nsize = ", encoding="utf-8")
    message = _refused_on_page(app, doc, _parts(clips[:2], broken), {}, "calibration")
    assert "readable TOML calibration" in message and str(tmp_path) not in message and "/uploads" not in message


def test_unknown_test_and_missing_sync_file(app: FastAPI, doc: Signed, clips: list[Path], qca: Path) -> None:
    message = _refused_on_page(app, doc, _parts(clips, qca), {"capture_test": "seated_hip_ir"}, "capture_test")
    assert "seated_hip_ir" in message and "hip_rotation" in message
    message = _refused_on_page(app, doc, _parts(clips, qca), {"sync": "file"}, "sync_file")
    assert "kinetrace capture sync" in message
    bad_sync = [
        ("sync_file", ("sync.json", json.dumps({"offsets_s": {"cam01.mp4": 0.0}}).encode(), "application/json"))
    ]
    message = _refused_on_page(app, doc, _parts(clips, qca, bad_sync), {"sync": "file"}, "sync_file")
    assert message.startswith("sync_file:") and "offsets_s for every video" in message


def test_api_refusal_has_the_canonical_shape(app: FastAPI, doc: Signed, clips: list[Path], qca: Path) -> None:
    aid = _draft(doc)
    res = doc.api(
        "POST",
        f"/api/v1/assessments/{aid}/captures",
        data={"capture_test": "hip_rotation"},
        files=_parts(clips[:2], qca),
    )
    assert res.status_code == 422
    body = res.json()
    assert body["ok"] is False and [e["field"] for e in body["errors"]] == ["calibration"]
    _nothing_stored(app, doc, aid)


def test_stored_capture_is_deleted_with_its_folder_and_audited(
    app: FastAPI, doc: Signed, clips: list[Path], qca: Path
) -> None:
    aid = _draft(doc)
    res = doc.api(
        "POST",
        f"/api/v1/assessments/{aid}/captures",
        data={"capture_test": "hip_rotation", "sync": "auto"},
        files=_parts(clips, qca, [("sync_file", ("", b"", "application/octet-stream"))]),
    )  # as browsers send
    assert res.status_code == 201, res.text
    media = res.json()
    assert media["kind"] == "capture" and media["status"] == "queued"
    assert media["original_name"] == "cam01.mp4 + cam02.mp4 + cam03.mp4 + cam04.mp4 · Calib.qca.txt"
    [folder] = list(app.state.kt.uploads_dir.iterdir())
    assert sorted(p.name for p in folder.iterdir()) == [
        "calibration.qca.txt",
        "cam01.mp4",
        "cam02.mp4",
        "cam03.mp4",
        "cam04.mp4",
        "request.json",
    ]
    assert json.loads((folder / "request.json").read_text())["sync"] == "auto"
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in folder.iterdir())
    page = parse(doc.client.get(f"/assessments/{aid}/photos").text)
    assert page.one("li", id=f"capture-{media['id']}") is not None
    other = sign_in(app, "doc@south.org")  # another clinic sees nothing of it
    assert other.api("GET", f"/api/v1/media/{media['id']}").status_code == 404
    assert other.form(f"/media/{media['id']}/delete").status_code == 404
    other.client.__exit__(None, None, None)
    assert doc.client.get(f"/media/{media['id']}/file").status_code == 404  # a folder, not one file to download
    assert doc.form(f"/media/{media['id']}/delete").status_code == 303
    assert list(app.state.kt.uploads_dir.iterdir()) == []
    assert doc.api("GET", f"/api/v1/media/{media['id']}").status_code == 404
    with app.state.kt.read_sessions() as db:
        scope = Scope(doc.clinic_id)
        assert audit_repo.has_event(db, scope, "upload", "media", media["id"])
        assert audit_repo.has_event(db, scope, "delete", "media", media["id"])


def _opencap_pickles(qca: Path, folder: Path) -> list[Path]:
    """One OpenCap-style pickle per demo camera (intrinsics, distortion, pose in mm, image size rows × cols)."""
    import pickle

    from kinetrace.capture.cameras import load_calibration

    out = []
    for cam in load_calibration(qca):
        data = {
            "intrinsicMat": cam.K,
            "distortion": cam.dist[None, :],
            "rotation": cam.R,
            "translation": cam.t.reshape(3, 1) * 1000.0,
            "imageSize": np.array([[cam.height_px], [cam.width_px]]),
        }
        path = folder / f"{cam.name}.pickle"
        path.write_bytes(pickle.dumps(data))
        out.append(path)
    return out


def test_other_calibration_formats_are_accepted_and_a_pickle_with_code_is_refused(
    app: FastAPI, doc: Signed, clips: list[Path], qca: Path, tmp_path: Path
) -> None:
    import pickle

    from kinetrace.capture.cameras import load_calibration, write_toml

    toml = write_toml(load_calibration(qca), tmp_path / "Calib.toml")
    aid = _draft(doc)
    url = f"/api/v1/assessments/{aid}/captures"
    res = doc.api("POST", url, data={"capture_test": "standing"}, files=_parts(clips, toml))
    assert res.status_code == 201, res.text
    pickles = _opencap_pickles(qca, tmp_path)
    parts = _parts(clips, None) + [
        ("calibration", (p.name, p.read_bytes(), "application/octet-stream")) for p in pickles
    ]
    res = doc.api("POST", url, data={"capture_test": "standing"}, files=parts)
    assert res.status_code == 201, res.text
    folder = app.state.kt.uploads_dir / next(m.stored_name for m in _media(app, doc, aid) if m.id == res.json()["id"])
    assert sorted(p.name for p in (folder / "calibration").iterdir()) == [f"0{i}_cam0{i}.pickle" for i in range(1, 5)]

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    evil = tmp_path / "evil.pickle"
    evil.write_bytes(pickle.dumps({"intrinsicMat": Evil()}))
    before = sorted(p.name for p in app.state.kt.uploads_dir.iterdir())
    res = doc.api("POST", url, data={"capture_test": "standing"}, files=_parts(clips[:2], evil))
    assert res.status_code == 422
    [error] = res.json()["errors"]
    assert error["field"] == "calibration" and "not allowed" in error["message"] and "evil.pickle" in error["message"]
    mixed = _parts(clips, toml) + [
        ("calibration", (pickles[0].name, pickles[0].read_bytes(), "application/octet-stream"))
    ]
    res = doc.api("POST", url, data={"capture_test": "standing"}, files=mixed)
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "calibration"
    assert sorted(p.name for p in app.state.kt.uploads_dir.iterdir()) == before
    assert len(_media(app, doc, aid)) == 2


def _media(app: FastAPI, s: Signed, aid: int) -> list:  # type: ignore[type-arg]
    with app.state.kt.read_sessions() as db:
        return media_repo.list_media(db, Scope(s.clinic_id), aid)
