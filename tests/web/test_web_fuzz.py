"""Hostile input, measured: the JSON API fuzzed from its own OpenAPI schema (schemathesis) and the HTML form
endpoints fuzzed with Hypothesis, as a signed-in admin with a valid CSRF token so requests reach the handlers.

The bar is zero responses with status 500 over at least 2,000 generated API requests. Path ids are drawn half
the time from records that exist, so the handlers behind the 404 check are reached too.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import DEMO_CASE, Signed, png_bytes

API_EXAMPLES_PER_OPERATION = 90
FORM_EXAMPLES_PER_ENDPOINT = 40
# Requests that would end the fuzzing session itself are sent once at the end instead.
_LAST = {("DELETE", "/api/v1/session"), ("PUT", "/api/v1/session/password")}
_SETTINGS = settings(
    max_examples=API_EXAMPLES_PER_OPERATION,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def _seed_records(admin: Signed) -> dict[str, list[int]]:
    """A patient with a completed and a draft assessment and one photo: ids the fuzzer may hit."""
    pid = admin.api("POST", "/api/v1/patients", json={"display_name": "Fuzz Target", "birth_year": 1980}).json()["id"]
    done = admin.api("POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE}).json()["id"]
    draft = admin.api(
        "POST", f"/api/v1/patients/{pid}/assessments", json={"case": DEMO_CASE, "complete": False}
    ).json()["id"]
    files = {"file": ("a.png", png_bytes(64, 64), "image/png")}
    media = admin.api("POST", f"/api/v1/assessments/{draft}/media", data={"view": "front"}, files=files).json()["id"]
    users = [u["id"] for u in admin.client.get("/api/v1/users").json()]
    return {
        "patient_id": [pid],
        "assessment_id": [done, draft],
        "media_id": [media],
        "user_id": [u for u in users if u != admin.user_id],
    }


def _send(client: TestClient, cookie: str, csrf: str, kwargs: dict[str, Any]) -> int:
    client.cookies.clear()  # the fuzzer's own session must not change with the responses
    headers = {**(kwargs.pop("headers", None) or {}), "Cookie": cookie, "X-CSRF-Token": csrf}
    kwargs.pop("cookies", None)
    if "data" in kwargs and not isinstance(kwargs["data"], dict):
        kwargs["content"] = kwargs.pop("data")
    return int(client.request(headers=headers, **kwargs).status_code)


def _real_ids(case: Any, ids: dict[str, list[int]], rng: random.Random) -> None:
    for name in list((case.path_parameters or {}).keys()):
        if ids.get(name) and rng.random() < 0.5:
            case.path_parameters[name] = rng.choice(ids[name])


def test_the_json_api_never_answers_500_to_schema_generated_requests(app: FastAPI, north_admin: Signed) -> None:
    ids = _seed_records(north_admin)
    cookie = "; ".join(f"{c.name}={c.value}" for c in north_admin.client.cookies.jar)
    schema = schemathesis.openapi.from_dict(app.openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    rng = random.Random(12)
    ordered = sorted(operations, key=lambda op: (op.method.upper(), op.path) in _LAST)
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)  # a 500 is counted
    for operation in ordered:
        examples = 1 if (operation.method.upper(), operation.path) in _LAST else API_EXAMPLES_PER_OPERATION

        @settings(_SETTINGS, max_examples=examples)
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            _real_ids(case, ids, rng)
            kwargs = case.as_transport_kwargs(base_url="https://testserver")
            status = _send(client, cookie, north_admin.csrf, kwargs)
            statuses[status] += 1
            if status >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {status}")

        run()
    total = sum(statuses.values())
    print(f"API fuzz: {total} requests over {len(operations)} operations; statuses {dict(sorted(statuses.items()))}")
    assert total >= 2000
    assert not failures, failures[:10]


_FIELD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e309", "NaN", "120", "121", "yes", "no", "unknown", "9" * 30, "<script>"]),
)


def _forms(extra_keys: list[str]) -> st.SearchStrategy[dict[str, str]]:
    keys = st.sampled_from(extra_keys) | st.text(min_size=1, max_size=20)
    return st.dictionaries(keys, _FIELD_TEXT, max_size=12)


def test_form_endpoints_never_answer_500(app: FastAPI, north_admin: Signed, kb: Any) -> None:
    ids = _seed_records(north_admin)
    pid = ids["patient_id"][0]
    done, draft = ids["assessment_id"]
    link = north_admin.api("POST", f"/api/v1/patients/{pid}/links").json()["url"].rsplit("/", 1)[1]
    test_keys = [f"t__{t}__{p}" for t in list(kb.tests)[:20] for p in ("left", "right", "value")]
    region_keys = [f"{k}__{r}" for r in list(kb.regions)[:6] for k in ("intensity", "weeks", "aggravating")]
    endpoints = {
        "/patients": ["display_name", "reference", "birth_year", "sex", "activity"],
        f"/assessments/{draft}/pain": ["age", "pain__lumbar__central", "pain__cervical_lower__left", *region_keys],
        f"/assessments/{draft}/red-flags": [f"rf__{q}" for q in list(kb.questions)[:10]],
        f"/assessments/{draft}/tests": test_keys,
        f"/assessments/{draft}/complete": ["no_tests_reason"],
        f"/assessments/{done}/plan": [
            "keep__0",
            "dosage__0",
            "note__0",
            "add",
            "add_dosage",
            "clinician_note",
            "action",
            "version",
        ],
        f"/assessments/{done}/release": ["released"],
        "/users": ["email", "name", "role", "password"],
        "/account/password": ["current_password", "new_password"],
        f"/s/{link}": ["age", "pain__lumbar__central", "intensity__lumbar", "weeks__lumbar", "rf__saddle_numbness"],
        "/inbox/999999/acknowledge": [],
    }
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in north_admin.client.cookies.jar)

    def fuzz(url: str, keys: list[str]) -> None:
        @settings(_SETTINGS, max_examples=FORM_EXAMPLES_PER_ENDPOINT)
        @given(form=_forms(keys or ["x"]))
        def run(form: dict[str, str]) -> None:
            client.cookies.clear()
            res = client.post(
                url,
                data={**form, "csrf_token": north_admin.csrf},
                headers={"Cookie": cookie},
                follow_redirects=False,
            )
            statuses[res.status_code] += 1
            if res.status_code >= 500:
                failures.append(f"POST {url} {sorted(form)} → {res.status_code}")

        run()

    for url, keys in endpoints.items():
        fuzz(url, keys)
    print(f"Form fuzz: {sum(statuses.values())} requests; statuses {dict(sorted(statuses.items()))}")
    assert not failures, failures[:10]
