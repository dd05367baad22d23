"""Published report snapshots: the report package's only table.

A snapshot is evidence of what the government published, so it is written once and never
changed: `body` holds the exact canonical JSON bytes (as text) and `sha256` their digest,
which the page shows, the audit log records and anyone can recompute from the download.
There is no update or delete path in the code, and the mapper events below refuse one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


def canonical_bytes(data: dict[str, Any]) -> bytes:
    """The one serialisation a snapshot is stored, served and digested as."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class ReportSnapshot(db.Model):
    __tablename__ = "report_snapshots"
    __table_args__ = (
        UniqueConstraint("policy_id", "number", name="uq_report_snapshots_policy_number"),
        CheckConstraint("length(sha256) = 64", name="sha256"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    # The canonical JSON, UTF-8 decoded: `raw()` gives back the exact digested bytes.
    body: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    def raw(self) -> bytes:
        return self.body.encode("utf-8")

    def data(self) -> dict[str, Any]:
        return json.loads(self.body)

    def verifies(self) -> bool:
        """Whether the stored bytes still hash to the stored digest."""
        return digest(self.raw()) == self.sha256


class SnapshotImmutable(RuntimeError):
    """Raised when anything tries to change or remove a published snapshot."""


@event.listens_for(ReportSnapshot, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: ReportSnapshot) -> None:
    raise SnapshotImmutable(f"report snapshot {target.id} is published and cannot be changed")


@event.listens_for(ReportSnapshot, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: ReportSnapshot) -> None:
    raise SnapshotImmutable(f"report snapshot {target.id} is published and cannot be removed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    """`update(ReportSnapshot)` / `delete(ReportSnapshot)` bypass the mapper events."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is ReportSnapshot:
        raise SnapshotImmutable("report snapshots are published and cannot be changed")
