"""Per-section versions: what the cached section page is keyed by, and its ETag.

Every write that changes what a section page shows raises that section's number in the
write's own transaction, so the next view after the commit asks the cache for a key that
was never stored and renders afresh: a stale page cannot be served, and nothing has to be
invalidated (old entries age out of the cache on their own).

The bump happens in a SQLAlchemy `after_flush` listener, so no write path can forget it:
each domain says, once, which of its models touch which sections (`watch`), and any ORM
insert, change or delete of such a row bumps them. `comments` watches comments,
endorsements and display names; `surveys` its surveys; `policy` its own text. A domain
above `policy` registers; `policy` never imports it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Engine, Select, bindparam, event, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from consult.core.models import utcnow
from consult.extensions import db
from consult.policy.models import Objective, Policy, Quotation, Section, SectionVersion

# sections_of(connection, row) -> ids of the sections whose page shows that row
SectionsOf = Callable[[Connection, Any], Iterable[int]]
_WATCHED: dict[type, SectionsOf] = {}


def watch(model: type, sections_of: SectionsOf) -> None:
    """Bump the sections `sections_of(connection, row)` names whenever a `model` row is
    inserted, changed or deleted through the ORM (in that flush, so in its transaction)."""
    _WATCHED[model] = sections_of
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


_READY: weakref.WeakSet[Engine] = weakref.WeakSet()


def schema_ready(connection: Connection) -> bool:
    """Whether this database has `section_versions` and `comment_counts` (migration 0018).

    Migration tests write rows through the ORM into older schemas; there the listeners
    stand aside. Asked until the answer is yes, then remembered per engine, so a migrated
    database pays for one look per process.
    """
    engine = connection.engine
    if engine in _READY:
        return True
    if inspect(connection).has_table(SectionVersion.__tablename__):
        _READY.add(engine)
        return True
    return False


def _after_flush(session: Session, _context: Any) -> None:
    found: set[int] = set()
    connection = None
    for row in chain(session.new, session.dirty, session.deleted):
        sections_of = _WATCHED.get(type(row))
        if sections_of is None:
            continue
        if row in session.dirty and not session.is_modified(row, include_collections=False):
            continue
        if connection is None:
            connection = session.connection()
            if not schema_ready(connection):
                return
        found.update(i for i in sections_of(connection, row) if i is not None)
    if found and connection is not None:
        bump(connection, found)


def bump(connection: Connection, section_ids: Iterable[int]) -> None:
    """Raise the version of these sections by one, creating the row on a first write.

    In id order, so two transactions bumping the same sections take the row locks in the
    same order (PostgreSQL) and never deadlock on each other.
    """
    table = SectionVersion.__table__
    dialect = connection.dialect.name
    now = utcnow()
    for section_id in sorted(set(section_ids)):
        if dialect in ("sqlite", "postgresql"):
            insert = (sqlite if dialect == "sqlite" else postgresql).insert
            connection.execute(
                insert(table)
                .values(section_id=section_id, version=1, changed_at=now)
                .on_conflict_do_update(
                    index_elements=[table.c.section_id],
                    set_={"version": table.c.version + 1, "changed_at": now},
                )
            )
            continue
        done = connection.execute(  # pragma: no cover - only the two databases we ship
            update(table)
            .where(table.c.section_id == section_id)
            .values(version=table.c.version + 1, changed_at=now)
        )
        if not done.rowcount:  # pragma: no cover
            connection.execute(
                table.insert().values(section_id=section_id, version=1, changed_at=now)
            )


def sections_of_policy(connection: Connection, policy_id: int) -> list[int]:
    """Every section of a policy: its title, dates and navigation are on all their pages."""
    return list(connection.scalars(select(Section.id).where(Section.policy_id == policy_id)))


@dataclass(frozen=True)
class SectionState:
    """What a section page's cache key needs, read in one query before anything else."""

    policy_id: int
    section_id: int
    status: str  # the policy's (named so `is_accepting_feedback` reads it as a policy)
    opens_at: date | None
    closes_at: date | None
    version: int
    changed_at: datetime | None


def state_select() -> Select:
    """The statement behind `section_state`, with the slugs as the bind parameters
    `policy_slug` and `section_slug`: built once, so a page view does not pay for building
    it, and a part the page cache joins the reader's own rows to (`page_cache`)."""
    global _STATE_SELECT
    if _STATE_SELECT is None:
        _STATE_SELECT = (
            select(
                Policy.id.label("policy_id"),
                Section.id.label("section_id"),
                Policy.status,
                Policy.opens_at,
                Policy.closes_at,
                SectionVersion.version,
                SectionVersion.changed_at,
            )
            .join(Policy, Section.policy_id == Policy.id)
            .outerjoin(SectionVersion, SectionVersion.section_id == Section.id)
            .where(
                Policy.slug == bindparam("policy_slug"),
                Section.slug == bindparam("section_slug"),
                Section.retired_at.is_(None),
            )
        )
    return _STATE_SELECT


_STATE_SELECT: Select | None = None


STATE_WIDTH = len(fields(SectionState))  # the columns of `state_select()`


def state_from_row(row: Sequence[Any]) -> SectionState:
    """A `SectionState` from the first `STATE_WIDTH` columns of a row of `state_select()`."""
    return SectionState(
        policy_id=row[0],
        section_id=row[1],
        status=row[2],
        opens_at=row[3],
        closes_at=row[4],
        version=row[5] or 0,
        changed_at=row[6],
    )


def section_state(policy_slug: str, section_slug: str) -> SectionState | None:
    """The live section's ids, its policy's status and dates and its version, or None."""
    row = db.session.execute(
        state_select(), {"policy_slug": policy_slug, "section_slug": section_slug}
    ).first()
    return None if row is None else state_from_row(row)


def _policy_rows(connection: Connection, row: Any) -> list[int]:
    return sections_of_policy(connection, row.policy_id if not isinstance(row, Policy) else row.id)


def watch_policy_wide(model: type) -> None:
    """Bump every section of the row's policy (`row.policy_id`) when a `model` row changes:
    for rows many section pages show and that change rarely (a hearing's title beside its
    comments, a stakeholder body's name in the invited label)."""
    watch(model, _policy_rows)


def init_app() -> None:
    """Policy text, dates, status and section titles are on every section page."""
    for model in (Policy, Section, Objective, Quotation):
        watch_policy_wide(model)
