"""Idempotency keys: a submission sent twice is written once and answered the same twice.

A hearing hall has weak Wi-Fi: a phone that lost its connection after sending, or a
browser that replays what it kept offline, sends the same submission again. The client
puts a key it generated on every submission (the `Idempotency-Key` header, or a hidden
form field); the first request with a key does the work and stores its answer in the same
transaction, so the key exists exactly when the work does; a repeat gets the stored answer
and writes nothing. The same key with a different request is a client bug and refused.

Keys are scoped (for example `hearing:12:paper`), so two hearings or two kinds of
submission never share an answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.models import TimestampMixin
from consult.errors import Conflict, ValidationError
from consult.extensions import db

# UUIDs, ULIDs and similar: letters, digits and a few separators, 8 to 128 characters.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{7,127}$")


class IdempotencyKey(TimestampMixin, db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), nullable=False)
    key: Mapped[str] = mapped_column(String(128), nullable=False)
    # SHA-256 of the request's canonical JSON: the same key with another body is refused.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)  # the answer, as JSON


@dataclass(frozen=True)
class Outcome:
    """What the first request answered; `replayed` says whether this was a repeat."""

    status: int
    body: Any
    replayed: bool


def clean_key(raw: object, field: str = "idempotency_key") -> str:
    """The key as sent, or a clear error: an unusable key must not silently disable replay."""
    key = str(raw or "").strip()
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            _("The submission's idempotency key is missing or malformed."),
            {field: _("Send 8 to 128 letters, digits, '-', '_', '.' or ':'.")},
        )
    return key


def fingerprint(request_data: Any) -> str:
    """SHA-256 of the canonical JSON of what was submitted."""
    raw = json.dumps(request_data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _stored(scope: str, key: str) -> IdempotencyKey | None:
    return db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )


def _replay(row: IdempotencyKey, digest: str) -> Outcome:
    if row.fingerprint != digest:
        raise Conflict(
            _("This idempotency key was already used for a different submission."),
            {"idempotency_key": _("Generate a new key for each new submission.")},
        )
    return Outcome(row.status, json.loads(row.body), replayed=True)


def run_once(
    scope: str,
    key: str,
    request_data: Any,
    work: Callable[[], tuple[int, Any]],
) -> Outcome:
    """Do `work` once per (scope, key), in the caller's transaction, and remember its answer.

    `work` returns (status, JSON-able body). A `DomainError` it raises propagates and the
    edge rolls back, so a refused submission leaves no key and can be corrected and sent
    again with the same key. Two copies racing meet at the unique constraint: the loser
    is refused with 409 and writes nothing; sent again, it gets the winner's answer.
    """
    digest = fingerprint(request_data)
    existing = _stored(scope, key)
    if existing is not None:
        return _replay(existing, digest)
    status, body = work()
    row = IdempotencyKey(
        scope=scope,
        key=key,
        fingerprint=digest,
        status=status,
        body=json.dumps(body, ensure_ascii=False, default=str),
    )
    db.session.add(row)
    try:
        # No savepoint: on SQLite one taken before the first write would commit on release.
        # A clash fails the whole transaction, which the edge rolls back.
        db.session.flush()
    except IntegrityError:
        raise Conflict(
            _("This submission is being saved by another request; send it again shortly."),
            {"idempotency_key": _("Already in progress.")},
        ) from None
    return Outcome(status, body, replayed=False)
