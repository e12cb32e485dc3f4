"""Issue 12: with several server processes, sign-out, a password change and disabling a user end every copy of
the session at once, in every process (no cache period).

A real `kinetrace serve --workers 2` runs; each client keeps one connection alive, and the test finds which
server process holds it, so a copy of the cookie is known to be served by the *other* process than the one
that ended the session.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from live_server import Live, running, signed_in

OTHER, OTHER_SECRET = "doc@crash.test", "violet kettle marches"
NEW_SECRET = "amber lantern drifts"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("workers") / "data"
    data.mkdir()
    with running(data, workers=2) as server:
        admin, csrf = signed_in(server)
        res = admin.post("/api/v1/users", json={"email": OTHER, "name": "Doc", "password": OTHER_SECRET}, headers=csrf)
        assert res.status_code == 201, res.text
        yield server


def _copies_on_both_workers(live: Live, owner: httpx.Client) -> tuple[int, dict[int, httpx.Client]]:
    """Return the owner's server process and a cookie copy kept alive on each server process (≥ 2)."""
    owner_pid = live.worker_of(owner, owner.get("/api/v1/session"))
    copies: dict[int, httpx.Client] = {}
    for _ in range(60):
        copy = httpx.Client(base_url=live.url, timeout=30, cookies=dict(owner.cookies.items()))
        res = copy.get("/api/v1/patients")
        assert res.status_code == 200
        pid = live.worker_of(copy, res)
        if pid in copies:
            copy.close()
        else:
            copies[pid] = copy
        if len(copies) >= 2 and owner_pid in copies:
            return owner_pid, copies
    raise AssertionError(f"60 connections reached only server processes {sorted(copies)}")


def _assert_every_copy_refused_at_once(live: Live, owner_pid: int, copies: dict[int, httpx.Client]) -> None:
    for pid, copy in copies.items():
        res = copy.get("/api/v1/patients")
        assert live.worker_of(copy, res) == pid  # still the same connection, so the same process
        where = "the same" if pid == owner_pid else "another"
        assert res.status_code == 401, f"a copied cookie still works in {where} server process"
        copy.close()


def _end_and_check(live: Live, email: str, password: str, end: str) -> None:
    owner, csrf = signed_in(live, email, password)
    owner_pid, copies = _copies_on_both_workers(live, owner)
    for copy in copies.values():  # each process has just looked the user up (and may cache it)
        assert copy.get("/api/v1/patients").status_code == 200
    if end == "sign_out":
        res = owner.delete("/api/v1/session", headers=csrf)
        assert res.status_code == 204
    else:
        body = {"current_password": password, "new_password": NEW_SECRET}
        res = owner.put("/api/v1/session/password", json=body, headers=csrf)
        assert res.status_code == 200 and owner.get("/api/v1/patients").status_code == 200
    assert live.worker_of(owner, res) == owner_pid
    _assert_every_copy_refused_at_once(live, owner_pid, copies)


def test_a_cookie_copied_before_sign_out_gets_401_in_every_server_process(live: Live) -> None:
    _end_and_check(live, OTHER, OTHER_SECRET, "sign_out")


def test_a_password_change_ends_the_other_copies_in_every_server_process(live: Live) -> None:
    _end_and_check(live, OTHER, OTHER_SECRET, "password")
    # and the new password works (sign back in with it, then put the old one back for the next test)
    owner, csrf = signed_in(live, OTHER, NEW_SECRET)
    body = {"current_password": NEW_SECRET, "new_password": OTHER_SECRET}
    assert owner.put("/api/v1/session/password", json=body, headers=csrf).status_code == 200


def test_disabling_a_user_ends_their_sessions_in_every_server_process(live: Live) -> None:
    victim, _ = signed_in(live, OTHER, OTHER_SECRET)
    owner_pid, copies = _copies_on_both_workers(live, victim)
    admin, csrf = signed_in(live)
    users = {u["email"]: u["id"] for u in admin.get("/api/v1/users").json()}
    for copy in copies.values():
        assert copy.get("/api/v1/patients").status_code == 200
    res = admin.put(f"/api/v1/users/{users[OTHER]}/active", json={"is_active": False}, headers=csrf)
    assert res.status_code == 200
    _assert_every_copy_refused_at_once(live, owner_pid, copies)
    assert admin.put(f"/api/v1/users/{users[OTHER]}/active", json={"is_active": True}, headers=csrf).status_code == 200
