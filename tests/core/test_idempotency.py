"""Idempotency keys: the first submission does the work, repeats get its answer."""

from __future__ import annotations

import pytest

from consult.core import idempotency
from consult.core.idempotency import IdempotencyKey
from consult.errors import Conflict, ValidationError
from consult.extensions import db
from tests.helpers import count_rows


def test_keys_are_validated():
    assert idempotency.clean_key(" 0b9f6c1e-8a7d-4c2b-9e11-7d5a3f2c4b10 ").startswith("0b9f")
    for bad in (None, "", "short", "has space inside", "x" * 129, "-leading-dash", "ü" * 10):
        with pytest.raises(ValidationError):
            idempotency.clean_key(bad)


def test_the_work_runs_once_and_repeats_get_the_same_answer(app):
    calls = []

    def work():
        calls.append(1)
        return 201, {"id": len(calls)}

    first = idempotency.run_once("hearing:1:paper", "key-00000001", {"a": 1}, work)
    db.session.commit()
    again = idempotency.run_once("hearing:1:paper", "key-00000001", {"a": 1}, work)
    assert (first.status, first.body, first.replayed) == (201, {"id": 1}, False)
    assert (again.status, again.body, again.replayed) == (201, {"id": 1}, True)
    assert len(calls) == 1 and count_rows(IdempotencyKey) == 1
    # Another scope is another submission.
    other = idempotency.run_once("hearing:2:paper", "key-00000001", {"a": 1}, work)
    assert not other.replayed and len(calls) == 2


def test_the_same_key_for_another_request_is_refused(app):
    idempotency.run_once("s", "key-00000002", {"body": "one"}, lambda: (201, {}))
    db.session.commit()
    with pytest.raises(Conflict, match="different submission"):
        idempotency.run_once("s", "key-00000002", {"body": "two"}, lambda: (201, {}))


def test_a_refused_submission_leaves_no_key(app):
    def refuse():
        raise ValidationError("bad", {"body": "Enter text."})

    with pytest.raises(ValidationError):
        idempotency.run_once("s", "key-00000003", {}, refuse)
    db.session.rollback()
    assert count_rows(IdempotencyKey) == 0
    ok = idempotency.run_once("s", "key-00000003", {}, lambda: (201, {"ok": True}))
    assert not ok.replayed


def test_a_racing_copy_is_refused_and_writes_nothing(app, monkeypatch):
    idempotency.run_once("s", "key-00000004", {}, lambda: (201, {}))
    db.session.commit()
    # Simulate the race: the lookup missed because the winner had not committed yet.
    monkeypatch.setattr(idempotency, "_stored", lambda scope, key: None)
    with pytest.raises(Conflict, match="another request"):
        idempotency.run_once("s", "key-00000004", {}, lambda: (201, {}))
    db.session.rollback()
    assert count_rows(IdempotencyKey) == 1
