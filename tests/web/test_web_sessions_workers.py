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

SECRET_OF_USERS = "violet kettle marches"
NEW_SECRET = "amber lantern drifts"
# One user per test, so a failure in one cannot leave the next with a changed password or a disabled account.
USERS = ("signs-out@crash.test", "changes-password@crash.test", "is-disabled@crash.test")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("workers") / "data"
    data.mkdir()
    with running(data, workers=2) as server:
        admin, csrf = signed_in(server)
        for email in USERS:
            body = {"email": email, "name": email, "password": SECRET_OF_USERS}
            res = admin.post("/api/v1/users", json=body, headers=csrf)
            assert res.status_code == 201, res.text
        yield server


def _copy(live: Live, owner: httpx.Client) -> httpx.Client:
    return httpx.Client(base_url=live.url, timeout=30, cookies=dict(owner.cookies.items()))


def _copies_on_every_worker(live: Live, owner: httpx.Client) -> list[httpx.Client]:
    """Cookie copies, each on a kept-alive connection, that together reach at least two server processes."""
    copies: list[httpx.Client] = []
    reached: set[int] = set()
    for _ in range(60):
        copy = _copy(live, owner)
        res = copy.get("/api/v1/patients")
        assert res.status_code == 200
        pid = live.worker_of(copy, res)
        if pid in reached:
            copy.close()
        else:
            copies.append(copy)
            reached.add(pid)
        if len(reached) >= 2:
            return copies
    raise AssertionError(f"60 connections reached only server processes {sorted(reached)}")


def _assert_refused_everywhere(live: Live, ender: int, copies: list[httpx.Client], owner: httpx.Client) -> None:
    """Every copy gets 401 at once, among them answers from a server process other than `ender` (which ended it)."""
    answers: dict[int, list[int]] = {}
    extra = 0
    while True:
        for copy in copies:
            res = copy.get("/api/v1/patients")
            answers.setdefault(live.worker_of(copy, res), []).append(res.status_code)
            copy.close()
        if set(answers) - {ender} or extra >= 60:
            break
        copies, extra = [_copy(live, owner)], extra + 1  # a kept-alive connection was closed: reach the other one
    assert set(answers) - {ender}, f"no answer came from a server process other than {ender}"
    still = {pid: codes for pid, codes in answers.items() if set(codes) != {401}}
    assert not still, f"a copied cookie still works in server process(es) {still}; the session ended in {ender}"


def _end_and_check(live: Live, email: str, end: str) -> None:
    owner, csrf = signed_in(live, email, SECRET_OF_USERS)
    copies = _copies_on_every_worker(live, owner)
    for copy in copies:  # each process has just looked the user up (and may cache it)
        assert copy.get("/api/v1/patients").status_code == 200
    if end == "sign_out":
        res = owner.delete("/api/v1/session", headers=csrf)
        assert res.status_code == 204
    else:
        body = {"current_password": SECRET_OF_USERS, "new_password": NEW_SECRET}
        res = owner.put("/api/v1/session/password", json=body, headers=csrf)
        assert res.status_code == 200 and owner.get("/api/v1/patients").status_code == 200
    _assert_refused_everywhere(live, live.worker_of(owner, res), copies, owner)


def test_a_cookie_copied_before_sign_out_gets_401_in_every_server_process(live: Live) -> None:
    _end_and_check(live, USERS[0], "sign_out")


def test_a_password_change_ends_the_other_copies_in_every_server_process(live: Live) -> None:
    _end_and_check(live, USERS[1], "password")
    assert signed_in(live, USERS[1], NEW_SECRET)[0].get("/api/v1/patients").status_code == 200


def test_disabling_a_user_ends_their_sessions_in_every_server_process(live: Live) -> None:
    victim, _ = signed_in(live, USERS[2], SECRET_OF_USERS)
    copies = _copies_on_every_worker(live, victim)
    admin, csrf = signed_in(live)
    users = {u["email"]: u["id"] for u in admin.get("/api/v1/users").json()}
    for copy in copies:
        assert copy.get("/api/v1/patients").status_code == 200
    res = admin.put(f"/api/v1/users/{users[USERS[2]]}/active", json={"is_active": False}, headers=csrf)
    assert res.status_code == 200
    _assert_refused_everywhere(live, live.worker_of(admin, res), copies, victim)
