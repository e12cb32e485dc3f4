"""Issue 12 crash loop: the server is killed (SIGKILL) again and again while clients save patients, assessments,
plans and uploads, and nothing a client saw acknowledged is ever lost or half-written.

Each round starts the real `kinetrace serve` on the same data folder; four clients write through the JSON API;
after a seeded delay the server's whole process group is killed. With the server down, the database is checked
directly (SQLite `integrity_check` and `foreign_key_check`; every media row has its complete file, hash and size;
every acknowledged write is there). The next round's start must be clean (no traceback) and must leave no file
that no row points at (`.part` leftovers, uploads whose row never committed, previews of deleted photos). At the
end every acknowledged write is read back through the API, files byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from live_server import Launcher, postgres_database, signed_in_at
from PIL import Image
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from web_helpers import DEMO_CASE, png_bytes, sign_in

from kinetrace.storage.tables import AssessmentRow, MediaRow, PatientRow, PlanRow

SEED = 1204
CLIENTS = 4
ROUNDS = {"sqlite": 24, "postgresql": 12}
# Each round's kill lands at a seeded moment in this range, in units of one sequential patient + assessment +
# upload on this machine (measured first), so a slow or busy machine is killed as deep into its work as a fast one.
KILL_AFTER_UNITS = (0.3, 3.0)


@dataclass
class Ledger:
    """What the clients saw acknowledged (and which requests the kill cut off)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    patients: dict[int, str] = field(default_factory=dict)  # id → display name
    assessments: dict[int, dict[str, Any]] = field(default_factory=dict)  # id → the answer to the save
    plan_notes: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)  # id → (note, acknowledged) in order
    media: dict[int, str] = field(default_factory=dict)  # id → sha256 of the bytes sent
    media_state: dict[int, str] = field(default_factory=dict)  # id → kept | deleted | delete-cut
    cut: Counter[str] = field(default_factory=Counter)
    acknowledged: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # anything but an acknowledgement or a cut connection
    seconds: Counter[str] = field(default_factory=Counter)  # where the loop's time went


@dataclass
class Own:
    """One client's records (a client edits only its own plans and media, so versions never race)."""

    patients: list[int] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)
    draft: int | None = None
    media: list[int] = field(default_factory=list)


class _SlowFile(io.BytesIO):
    """An upload body handed over in small pieces with pauses, so kills land inside uploads too."""

    def read(self, size: int | None = -1) -> bytes:
        time.sleep(0.002)
        return super().read(size)


def _png(rng: random.Random) -> bytes:
    side = rng.randint(100, 900)  # noise does not compress: 10 KB to 0.8 MB
    buf = io.BytesIO()
    Image.frombytes("L", (side, side), rng.randbytes(side * side)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _op_patient(c: httpx.Client, csrf: dict[str, str], rng: random.Random, ledger: Ledger, own: Own) -> None:
    name = f"Crash {rng.getrandbits(40):010x}"
    res = c.post("/api/v1/patients", json={"display_name": name}, headers=csrf)
    assert res.status_code == 201, res.text
    with ledger.lock:
        ledger.patients[res.json()["id"]] = name
    own.patients.append(res.json()["id"])


def _op_assessment(c: httpx.Client, csrf: dict[str, str], rng: random.Random, ledger: Ledger, own: Own) -> None:
    if not own.patients:
        return _op_patient(c, csrf, rng, ledger, own)
    res = c.post(f"/api/v1/patients/{rng.choice(own.patients)}/assessments", json={"case": DEMO_CASE}, headers=csrf)
    assert res.status_code == 201, res.text
    with ledger.lock:
        ledger.assessments[res.json()["id"]] = res.json()
    own.completed.append(res.json()["id"])
    return None


def _op_plan(c: httpx.Client, csrf: dict[str, str], rng: random.Random, ledger: Ledger, own: Own) -> None:
    if not own.completed:
        return _op_assessment(c, csrf, rng, ledger, own)
    aid = rng.choice(own.completed)
    plan = c.get(f"/api/v1/assessments/{aid}/plan").json()
    note = f"note {rng.getrandbits(40):010x}"
    items = [
        {"intervention_id": i["intervention_id"], "dosage": f"{rng.randint(2, 4)} x 10", "clinician_note": note}
        for i in plan["items"]
    ]
    with ledger.lock:
        attempts = ledger.plan_notes.setdefault(aid, [])
        attempts.append((note, False))  # in flight: it may or may not commit if the server dies now
    body = {"items": items, "clinician_note": note, "version": plan["version"]}
    res = c.put(f"/api/v1/assessments/{aid}/plan", json=body, headers=csrf)
    assert res.status_code == 200, res.text
    assert res.json()["clinician_note"] == note
    with ledger.lock:
        attempts[-1] = (note, True)
    return None


def _op_upload(c: httpx.Client, csrf: dict[str, str], rng: random.Random, ledger: Ledger, own: Own) -> None:
    if own.draft is None:
        if not own.patients:
            return _op_patient(c, csrf, rng, ledger, own)
        res = c.post(
            f"/api/v1/patients/{own.patients[0]}/assessments",
            json={"case": DEMO_CASE, "complete": False},
            headers=csrf,
        )
        assert res.status_code == 201, res.text
        own.draft = res.json()["id"]
    data = _png(rng)
    files = {"file": ("photo.png", _SlowFile(data), "image/png")}
    res = c.post(f"/api/v1/assessments/{own.draft}/media", data={"view": "front"}, files=files, headers=csrf)
    assert res.status_code == 201, res.text
    assert res.json()["size_bytes"] == len(data)
    with ledger.lock:
        ledger.media[res.json()["id"]] = hashlib.sha256(data).hexdigest()
        ledger.media_state[res.json()["id"]] = "kept"
    own.media.append(res.json()["id"])
    return None


def _op_delete(c: httpx.Client, csrf: dict[str, str], rng: random.Random, ledger: Ledger, own: Own) -> None:
    if len(own.media) < 2:
        return _op_upload(c, csrf, rng, ledger, own)
    mid = own.media.pop(rng.randrange(len(own.media)))
    with ledger.lock:
        ledger.media_state[mid] = "delete-cut"
    res = c.delete(f"/api/v1/media/{mid}", headers=csrf)
    assert res.status_code == 204, res.text
    with ledger.lock:
        ledger.media_state[mid] = "deleted"
    return None


def _op_preview(c: httpx.Client, csrf: dict[str, str], rng: random.Random, ledger: Ledger, own: Own) -> None:
    if not own.media:
        return _op_upload(c, csrf, rng, ledger, own)
    res = c.get(f"/media/{rng.choice(own.media)}/preview/thumb")  # the server writes a preview file
    assert res.status_code == 200 and res.headers["content-type"] == "image/jpeg"
    return None


Op = Callable[[httpx.Client, dict[str, str], random.Random, Ledger, Own], None]
OPS: dict[str, tuple[Op, int]] = {
    "patient": (_op_patient, 2),
    "assessment": (_op_assessment, 2),
    "plan": (_op_plan, 3),
    "upload": (_op_upload, 4),
    "delete": (_op_delete, 1),
    "preview": (_op_preview, 1),
}


def _client(
    port: int, session: tuple[dict[str, str], dict[str, str]], rng: random.Random, ledger: Ledger, own: Own
) -> Callable[[], None]:
    # A connection of its own with the one session (cookie and CSRF header) signed in at the start.
    cookies, csrf = session
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, cookies=cookies)

    def run() -> None:
        names, weights = list(OPS), [w for _, w in OPS.values()]
        while True:
            kind = rng.choices(names, weights)[0]
            try:
                OPS[kind][0](client, csrf, rng, ledger, own)
            except httpx.TransportError:
                with ledger.lock:
                    ledger.cut[kind] += 1
                client.close()
                return
            except Exception as exc:  # noqa: BLE001 - reported by the test thread, which asserts there are none
                with ledger.lock:
                    ledger.errors.append(f"{kind}: {exc!r}")
                client.close()
                return
            with ledger.lock:
                ledger.acknowledged[kind] += 1

    return run


def _allowed_notes(attempts: list[tuple[str, bool]]) -> set[str]:
    """The last acknowledged note, or any note sent after it whose answer the kill cut off."""
    last = max((i for i, (_, ok) in enumerate(attempts) if ok), default=-1)
    return ({attempts[last][0]} if last >= 0 else {""}) | {n for n, ok in attempts[last + 1 :] if not ok}


def _check_database(url: str, data: Path, ledger: Ledger) -> None:
    """With the server down: the database is sound and holds every acknowledged write, whole."""
    if url.startswith("sqlite"):
        with sqlite3.connect(data / "kinetrace.sqlite3") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    engine = create_engine(url)
    with Session(engine) as db:
        names = {r[0]: r[1] for r in db.execute(select(PatientRow.id, PatientRow.display_name))}
        assessments = {a.id: a for a in db.scalars(select(AssessmentRow))}
        notes = {r[0]: r[1] for r in db.execute(select(PlanRow.assessment_id, PlanRow.clinician_note))}
        media = {m.id: m for m in db.scalars(select(MediaRow))}
    engine.dispose()
    uploads = data / "uploads"
    for row in media.values():  # a row is written only after its file is complete
        path = uploads / row.stored_name
        assert path.is_file(), f"media {row.id}: row without its file"
        blob = path.read_bytes()
        assert len(blob) == row.size_bytes and hashlib.sha256(blob).hexdigest() == row.sha256, row.id
    with ledger.lock:
        for pid, name in ledger.patients.items():
            assert names.get(pid) == name, f"acknowledged patient {pid} lost"
        for aid, answer in ledger.assessments.items():
            row = assessments.get(aid)
            assert row is not None, f"acknowledged assessment {aid} lost"
            assert row.status == answer["status"] and row.result_data is not None and aid in notes
        for aid, attempts in ledger.plan_notes.items():
            assert notes[aid] in _allowed_notes(attempts), f"plan {aid}: {notes[aid]!r}, sent {attempts}"
        for mid, state in ledger.media_state.items():
            if state == "kept":
                assert mid in media and media[mid].sha256 == ledger.media[mid], f"acknowledged upload {mid} lost"
            elif state == "deleted":
                assert mid not in media, f"acknowledged delete of media {mid} undone"


def _check_no_leftovers(url: str, data: Path) -> None:
    """After a start: every file in the uploads and previews folders belongs to a row; no partial files."""
    engine = create_engine(url)
    with Session(engine) as db:
        stored = set(db.scalars(select(MediaRow.stored_name)))
    engine.dispose()
    files = {p.name for p in (data / "uploads").iterdir()}
    assert files == stored, f"files without a row: {sorted(files - stored)}; rows without a file: {stored - files}"
    stems = {Path(name).stem for name in stored}
    for preview in (data / "previews").iterdir():
        assert not preview.name.startswith("."), f"partial preview {preview.name} left"
        assert preview.name.split(".")[0] in stems, f"preview {preview.name} of a deleted photo left"


def _check_through_api(port: int, ledger: Ledger) -> None:
    client, _ = signed_in_at(port)
    for pid, name in ledger.patients.items():
        assert client.get(f"/api/v1/patients/{pid}").json()["display_name"] == name
    for aid, answer in ledger.assessments.items():
        again = client.get(f"/api/v1/assessments/{aid}").json()
        assert (again["status"], again["case"], again["result"]) == (answer["status"], answer["case"], answer["result"])
    for aid, attempts in ledger.plan_notes.items():
        assert client.get(f"/api/v1/assessments/{aid}/plan").json()["clinician_note"] in _allowed_notes(attempts)
    for mid, state in ledger.media_state.items():
        if state == "kept":
            blob = client.get(f"/media/{mid}/file").content
            assert hashlib.sha256(blob).hexdigest() == ledger.media[mid], f"media {mid} served changed"
        elif state == "deleted":
            assert client.get(f"/api/v1/media/{mid}").status_code == 404
    client.close()


def _start(launcher: Launcher, url: str | None, data: Path) -> int:
    offset = launcher.log.stat().st_size if launcher.log.exists() else 0
    port = launcher.start(database_url=url)
    log = launcher.log.read_bytes()[offset:].decode(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log, log
    _check_no_leftovers(url or f"sqlite:///{data / 'kinetrace.sqlite3'}", data)
    return port


def _work_unit_s(client: httpx.Client, csrf: dict[str, str], ledger: Ledger, own: Own) -> float:
    """Seconds this machine takes for one patient, one assessment and one upload in a row (nothing killed)."""
    rng = random.Random(SEED)
    start = time.monotonic()
    for op in (_op_patient, _op_assessment, _op_upload):
        op(client, csrf, rng, ledger, own)
    return time.monotonic() - start


def _crash_loop(data: Path, database_url: str | None, rounds: int) -> Ledger:
    url = database_url or f"sqlite:///{data / 'kinetrace.sqlite3'}"
    rng = random.Random(SEED)
    ledger, owned = Ledger(), [Own() for _ in range(CLIENTS)]
    launcher = Launcher(data)
    try:
        for round_no in range(rounds):
            t0 = time.monotonic()
            port = _start(launcher, database_url, data)
            ledger.seconds["start"] += time.monotonic() - t0
            if round_no == 0:  # one sign-in: the session outlives every crash (signed cookie, stored version)
                first, csrf = signed_in_at(port)
                cookies = dict(first.cookies.items())
                unit_s = ledger.seconds["unit"] = _work_unit_s(first, csrf, ledger, owned[0])
            runs = [
                _client(port, (cookies, csrf), random.Random(f"{SEED}-{round_no}-{i}"), ledger, owned[i])
                for i in range(CLIENTS)
            ]
            threads = [threading.Thread(target=run) for run in runs]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(*KILL_AFTER_UNITS) * unit_s)
            launcher.kill()
            for t in threads:
                t.join(timeout=60)
                assert not t.is_alive()
            assert not ledger.errors, ledger.errors
            t2 = time.monotonic()
            _check_database(url, data, ledger)
            ledger.seconds["check"] += time.monotonic() - t2
        port = _start(launcher, database_url, data)
        _check_through_api(port, ledger)
        launcher.kill()
    finally:
        launcher.close()
    return ledger


def _assert_the_kills_landed_mid_write(ledger: Ledger, rounds: int) -> None:
    spent = {k: round(v, 1) for k, v in ledger.seconds.items() if k != "unit"}
    print(
        f"crash loop: {rounds} kills; acknowledged {dict(ledger.acknowledged)}; cut off {dict(ledger.cut)}; s {spent}"
        f" (one work unit {ledger.seconds['unit']:.2f} s)"
    )
    assert sum(ledger.cut.values()) >= rounds  # every kill cut at least one request off
    assert ledger.cut["upload"] >= 3 and ledger.cut["plan"] + ledger.cut["assessment"] >= 3
    assert len(ledger.media) >= 5 and len(ledger.assessments) >= 4 and len(ledger.plan_notes) >= 3


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_again_and_again_during_saves_and_uploads_loses_nothing_acknowledged(
    tmp_path: Path, backend: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    rounds = ROUNDS[backend]
    if backend == "sqlite":
        ledger = _crash_loop(data, None, rounds)
    else:
        with postgres_database() as url:
            ledger = _crash_loop(data, url, rounds)
    _assert_the_kills_landed_mid_write(ledger, rounds)


def test_start_up_removes_partial_files_orphan_uploads_and_previews_of_deleted_photos(app: FastAPI) -> None:
    from kinetrace.web.jobs import recover_after_crash

    north = sign_in(app, "doc@north.org")
    pid = north.api("POST", "/api/v1/patients", json={"display_name": "Sweep"}).json()["id"]
    draft = north.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False})
    files = {"file": ("a.png", io.BytesIO(png_bytes(64, 64)), "image/png")}
    media = north.api("POST", f"/api/v1/assessments/{draft.json()['id']}/media", data={"view": "front"}, files=files)
    assert north.client.get(f"/media/{media.json()['id']}/preview/thumb").status_code == 200
    state = app.state.kt
    uploads, previews = state.uploads_dir, state.settings.data_dir / "previews"
    kept = {p.name for p in uploads.iterdir()} | {p.name for p in previews.iterdir()}
    leftovers = [
        uploads / ".0123abcd.png.part",  # an upload cut off mid-body
        uploads / "0123abcd.png",  # complete, but its row never committed
        previews / ".0123abcd.thumb.jpg.89ab.part",  # a preview cut off mid-write
        previews / "4567cdef.thumb.jpg",  # the preview of a photo deleted just before a crash
    ]
    for path in leftovers:
        path.write_bytes(b"x")
    north.client.__exit__(None, None, None)
    recover_after_crash(state)
    assert {p.name for p in uploads.iterdir()} | {p.name for p in previews.iterdir()} == kept
