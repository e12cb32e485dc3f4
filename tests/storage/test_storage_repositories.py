"""Repositories on SQLite and PostgreSQL: clinic scoping, atomic completion, links, media, audit."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from kinetrace.errors import ConflictError, InputError, NotFoundError
from kinetrace.storage import (
    Scope,
    audit,
    clinics,
    links,
    make_engine,
    make_session_factory,
    media,
    migrate,
    patients,
    utcnow,
)
from kinetrace.storage import assessments as assessment_repo
from kinetrace.storage.tables import MeasurementRow, PlanRow

RESULT = {
    "schema": "kinetrace.assessment/1",
    "kb_version": "kb-test",
    "profile": "evidence",
    "triage": {"action": "proceed_conservative_plan"},
    "plan": [{"intervention_id": "x"}],
}
CASE = {
    "schema": "kinetrace.case/1",
    "patient": {"age": 40},
    "pain": [],
    "findings": {
        "hip_ir_prone": {"left": 22, "right": 38, "unit": "deg"},
        "leg_length_difference": [
            {"value": 12, "unit": "mm", "side": "left", "method": "tape"},
            {"value": 4, "unit": "mm", "side": "left", "method": "lifts"},
        ],
    },
}


def _two_clinics(sessions: sessionmaker[Session]) -> tuple[Scope, Scope, int]:
    with sessions.begin() as s:
        a = clinics.create_clinic(s, "North")
        b = clinics.create_clinic(s, "South")
        ua = clinics.create_user(s, a.id, email="a@north.org", name="A", role="admin", password_hash="x")
        ub = clinics.create_user(s, b.id, email="b@south.org", name="B", role="clinician", password_hash="x")
        scope_a, scope_b = Scope(a.id, ua.id), Scope(b.id, ub.id)
        pid = patients.create_patient(
            s, scope_a, display_name="Ada Lovelace", reference="N-1", birth_year=1980, this_year=2026
        ).id
    return scope_a, scope_b, pid


def test_migration_creates_every_table(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {
        "clinic",
        "app_user",
        "patient",
        "assessment",
        "measurement",
        "media",
        "plan",
        "screen_link",
        "audit_log",
        "alembic_version",
    } <= names


def test_other_clinic_never_sees_a_patient_or_assessment(sessions: sessionmaker[Session]) -> None:
    scope_a, scope_b, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data=CASE)
    with sessions() as s:
        assert patients.get_patient(s, scope_a, pid).display_name == "Ada Lovelace"
        with pytest.raises(NotFoundError, match="patient_id"):
            patients.get_patient(s, scope_b, pid)
        with pytest.raises(NotFoundError, match="assessment_id"):
            assessment_repo.get_assessment(s, scope_b, draft.id)
        with pytest.raises(NotFoundError):
            assessment_repo.create_draft(s, scope_b, pid, case_data=CASE)
        assert patients.search_patients(s, scope_b, "ada") == []
        assert assessment_repo.list_assessments(s, scope_b, pid) == []
        assert assessment_repo.list_summaries(s, scope_b, pid) == []
        assert [a.id for a in assessment_repo.list_summaries(s, scope_a, pid)] == [draft.id]


def test_search_matches_every_word_and_treats_wildcards_literally(sessions: sessionmaker[Session]) -> None:
    scope_a, _, _ = _two_clinics(sessions)
    with sessions.begin() as s:
        patients.create_patient(s, scope_a, display_name="Grace Hopper", reference="N-2", this_year=2026)
    with sessions() as s:
        assert [p.display_name for p in patients.search_patients(s, scope_a, "hopper n-2")] == ["Grace Hopper"]
        assert len(patients.search_patients(s, scope_a, "")) == 2
        assert patients.search_patients(s, scope_a, "%") == []


def test_patient_fields_are_checked_with_field_names(sessions: sessionmaker[Session]) -> None:
    scope_a, _, _ = _two_clinics(sessions)
    with sessions() as s, pytest.raises(InputError, match="birth_year"):
        patients.create_patient(s, scope_a, display_name="X", birth_year=1800, this_year=2026)


def test_completing_writes_result_measurements_and_plan_together(sessions: sessionmaker[Session]) -> None:
    scope_a, _, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data={"patient": {"age": 40}})
    with sessions.begin() as s:
        done = assessment_repo.complete_assessment(s, scope_a, draft.id, case_data=CASE, result_data=RESULT)
    assert done.status == "complete" and done.kb_version == "kb-test"
    assert done.action_level == "proceed_conservative_plan"
    with sessions() as s:
        methods = sorted(str(m) for m in s.scalars(select(MeasurementRow.method)))
        assert methods == ["None", "lifts", "tape"]  # one row per entry, several methods kept apart
        plan = assessment_repo.get_plan(s, scope_a, draft.id)
        assert plan is not None and plan.items == [{"intervention_id": "x"}]


def test_a_failure_during_completion_leaves_the_draft_untouched(sessions: sessionmaker[Session]) -> None:
    scope_a, _, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data={"patient": {"age": 40}})
    with pytest.raises(RuntimeError), sessions.begin() as s:
        assessment_repo.complete_assessment(s, scope_a, draft.id, case_data=CASE, result_data=RESULT)
        raise RuntimeError("simulated crash before commit")
    with sessions() as s:
        again = assessment_repo.get_assessment(s, scope_a, draft.id)
        assert again.status == "draft" and again.result_data is None
        assert s.scalars(select(MeasurementRow)).all() == [] and s.scalars(select(PlanRow)).all() == []


def test_stale_or_finished_assessments_cannot_be_edited(sessions: sessionmaker[Session]) -> None:
    scope_a, _, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data={})
        assessment_repo.update_draft(s, scope_a, draft.id, case_data={"a": 1}, expected_version=1)
    with sessions() as s, pytest.raises(ConflictError, match="changed elsewhere"):
        assessment_repo.update_draft(s, scope_a, draft.id, case_data={"a": 2}, expected_version=1)
    with sessions.begin() as s:
        assessment_repo.complete_assessment(s, scope_a, draft.id, case_data=CASE, result_data=RESULT)
    with sessions() as s, pytest.raises(ConflictError, match="complete"):
        assessment_repo.update_draft(s, scope_a, draft.id, case_data={})


def test_a_new_assessment_is_stored_complete_in_one_step(sessions: sessionmaker[Session]) -> None:
    scope_a, scope_b, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        done = assessment_repo.create_completed(s, scope_a, pid, case_data=CASE, result_data=RESULT)
    assert (done.status, done.version, done.kb_version) == ("complete", 2, "kb-test")
    assert done.completed_at == done.created_at and done.action_level == "proceed_conservative_plan"
    with sessions() as s:
        assert len(s.scalars(select(MeasurementRow)).all()) == 3  # one per entry, as when a draft is completed
        plan = assessment_repo.get_plan(s, scope_a, done.id)
        assert plan is not None and plan.items == [{"intervention_id": "x"}]
        assert assessment_repo.get_assessment(s, scope_a, done.id).case_data == CASE
    with sessions() as s, pytest.raises(NotFoundError, match="patient_id"):
        assessment_repo.create_completed(s, scope_b, pid, case_data=CASE, result_data=RESULT)


def test_a_draft_changed_while_it_was_assessed_is_not_completed(sessions: sessionmaker[Session]) -> None:
    # The web app assesses a draft on a read session and stores the result in a later, short write transaction:
    # an edit in between must not be overwritten by a result computed from the older case.
    scope_a, _, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data={})
        assessment_repo.update_draft(s, scope_a, draft.id, case_data={"a": 1})
    with sessions() as s, pytest.raises(ConflictError, match="changed while it was being assessed"):
        assessment_repo.complete_assessment(
            s, scope_a, draft.id, case_data=CASE, result_data=RESULT, expected_version=draft.version
        )
    with sessions.begin() as s:
        done = assessment_repo.complete_assessment(
            s, scope_a, draft.id, case_data=CASE, result_data=RESULT, expected_version=draft.version + 1
        )
    assert done.status == "complete"


def test_links_are_single_use_expiring_and_store_no_token(sessions: sessionmaker[Session]) -> None:
    scope_a, _, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        token, rec = links.issue_link(s, scope_a, pid, valid_for=timedelta(days=2))
        expired, _ = links.issue_link(s, scope_a, pid, valid_for=timedelta(seconds=-1))
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data={}, origin="self_screen")
    now = utcnow()
    with sessions.begin() as s:
        scope, link = links.open_link(s, token, now=now)
        assert scope.clinic_id == scope_a.clinic_id and link.patient_id == pid
        links.redeem_link(s, token, assessment_id=draft.id, now=now)
    with sessions() as s:
        with pytest.raises(NotFoundError, match="link"):
            links.open_link(s, token, now=now)
        with pytest.raises(NotFoundError, match="link"):
            links.redeem_link(s, token, assessment_id=draft.id, now=now)
        with pytest.raises(NotFoundError, match="expired"):
            links.open_link(s, expired, now=now)
        with pytest.raises(NotFoundError):
            links.open_link(s, "guessed-token", now=now)
        from kinetrace.storage.tables import ScreenLinkRow

        assert token not in {r.token_hash for r in s.scalars(select(ScreenLinkRow))}


def test_interrupted_media_analysis_is_requeued(sessions: sessionmaker[Session]) -> None:
    scope_a, scope_b, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        draft = assessment_repo.create_draft(s, scope_a, pid, case_data={})
        m = media.add_media(
            s,
            scope_a,
            draft.id,
            kind="photo",
            view="side",
            original_name="side.jpg",
            stored_name="abc.jpg",
            content_type="image/jpeg",
            size_bytes=10,
            sha256="0" * 64,
        )
        media.set_progress(s, m.id, status="running", progress=40)
    with sessions.begin() as s:
        assert media.requeue_interrupted(s) == [m.id]
    with sessions() as s:
        assert media.get_media(s, scope_a, m.id).status == "queued"
        with pytest.raises(NotFoundError, match="media_id"):
            media.get_media(s, scope_b, m.id)


def test_audit_lines_are_scoped_and_roll_back_with_the_change(sessions: sessionmaker[Session]) -> None:
    scope_a, scope_b, pid = _two_clinics(sessions)
    with sessions.begin() as s:
        audit.record_event(s, scope_a, "view", "patient", pid)
    with pytest.raises(RuntimeError), sessions.begin() as s:
        audit.record_event(s, scope_a, "update", "patient", pid)
        raise RuntimeError("rolled back")
    with sessions() as s:
        assert [(e.action, e.resource_id) for e in audit.list_audit(s, scope_a)] == [("view", pid)]
        assert audit.list_audit(s, scope_b) == []


def test_email_is_unique_across_clinics(sessions: sessionmaker[Session]) -> None:
    _two_clinics(sessions)
    with sessions() as s, pytest.raises(ConflictError, match="already"):
        clinics.create_user(s, 1, email="A@north.org", name="dup", role="clinician", password_hash="x")


def test_sign_in_failures_back_off_per_key_instead_of_locking(sessions: sessionmaker[Session]) -> None:
    # Changed with issue 12: past the allowance the wait doubles from the newest failure (2 s, 4 s, ...) capped
    # at the window, instead of a hard lock until the oldest failure leaves the window.
    from datetime import datetime

    from kinetrace.storage import throttle
    from kinetrace.storage.throttle import ThrottleKey

    t0 = datetime(2026, 1, 1, 12, 0, 0)
    keys = (ThrottleKey("account-client:a@b.org|10.0.0.1", 3), ThrottleKey("client:10.0.0.1", 10))
    wait = {"window_s": 60, "backoff_s": 2.0}
    with sessions.begin() as s:
        for i in range(3):
            throttle.record_failure(s, keys, now=t0 + timedelta(seconds=i), window_s=60)
    with sessions() as s:
        # Three failures, the newest at t0 + 2 s: the third allows another try 2 s later (t0 + 4 s).
        assert throttle.retry_after_s(s, keys, now=t0 + timedelta(seconds=3), **wait) == 1
        assert throttle.retry_after_s(s, keys, now=t0 + timedelta(seconds=4), **wait) == 0
        assert throttle.retry_after_s(s, (ThrottleKey("client:other", 3),), now=t0, **wait) == 0
    with sessions.begin() as s:
        throttle.record_failure(s, keys, now=t0 + timedelta(seconds=4), window_s=60)
    with sessions() as s:
        # The fourth failure doubles the wait to 4 s from t0 + 4 s.
        assert throttle.retry_after_s(s, keys, now=t0 + timedelta(seconds=5), **wait) == 3
        assert throttle.retry_after_s(s, keys, now=t0 + timedelta(seconds=65), **wait) == 0
    with sessions.begin() as s:
        throttle.clear_failures(s, keys)
    with sessions() as s:
        assert throttle.retry_after_s(s, tuple(ThrottleKey(k.key, 1) for k in keys), now=t0, **wait) == 0
        from kinetrace.storage.tables import SignInFailureRow

        assert "10.0.0.1" not in str([r.key_hash for r in s.scalars(select(SignInFailureRow))])


def test_writers_of_two_processes_queue_on_a_private_lock_file(tmp_path: Path) -> None:
    # Two engines on one file stand in for two server processes: each has its own lock-file descriptor.
    url = f"sqlite:///{tmp_path / 'kt.sqlite3'}"
    first, second = make_engine(url), make_engine(url)
    migrate(first)
    finished = threading.Event()

    def write_second() -> None:
        with make_session_factory(second).begin() as s:
            clinics.create_clinic(s, "South")
        finished.set()

    try:
        with make_session_factory(first).begin() as s:
            clinics.create_clinic(s, "North")
            waiter = threading.Thread(target=write_second)
            waiter.start()
            assert not finished.wait(0.3)  # the second writer waits while the first transaction is open
        waiter.join(timeout=10)
        assert finished.is_set()
        assert (tmp_path / "kt.sqlite3.writelock").stat().st_mode & 0o777 == 0o600
    finally:
        first.dispose()
        second.dispose()
