"""Comment counts kept with the writes, and the section versions comment writes bump.

The section page shows how many comments each objective has and how many pages the thread
has; counting them per view scanned every comment of the section. `comment_counts` holds
them instead, changed by an `after_flush` listener in the transaction of every write that
changes a comment's status, section or objective (post, reply, withdrawal, a hold, hide,
restore, reject or approve, whatever domain does it), so they are exact whatever path
wrote and cannot drift by a commit that kept one and lost the other.

Bulk inserts that bypass the ORM (the data generator) call `rebuild` afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, case, delete, event, func, insert, select, update
from sqlalchemy.orm import Session, attributes

from consult.accounts.models import Participant
from consult.comments.models import Comment, CommentCount, Endorsement
from consult.policy import versions

_TRACKED = ("status", "section_id", "objective_id", "depth")


def _old(row: Comment, attr: str) -> Any:
    """The value before this flush (the current one when it did not change)."""
    history = attributes.get_history(row, attr)
    if history.deleted:
        return history.deleted[0]
    return getattr(row, attr)


def _key(status: Any, section_id: Any, objective_id: Any, depth: Any) -> tuple | None:
    if (status or "published") != "published":
        return None
    return (section_id, objective_id, int(depth or 0) == 0)


def _deltas(session: Session) -> Counter:
    deltas: Counter = Counter()

    def add(key: tuple | None, n: int) -> None:
        if key is not None:
            deltas[key] += n

    for row in session.new:
        if isinstance(row, Comment):
            add(_key(row.status, row.section_id, row.objective_id, row.depth), 1)
    for row in session.dirty:
        if isinstance(row, Comment) and session.is_modified(row, include_collections=False):
            add(_key(*(_old(row, a) for a in _TRACKED)), -1)
            add(_key(row.status, row.section_id, row.objective_id, row.depth), 1)
    for row in session.deleted:
        if isinstance(row, Comment):
            add(_key(*(_old(row, a) for a in _TRACKED)), -1)
    return deltas


def _after_flush(session: Session, _context: Any) -> None:
    deltas = _deltas(session)
    if not any(deltas.values()):
        return
    connection = session.connection()
    if not versions.schema_ready(connection):
        return  # an older schema (migration tests): nothing to keep yet
    # The version row of each section is locked first: writers of one section take turns,
    # so two first comments on an objective cannot both insert its counts row.
    versions.bump(connection, {section_id for section_id, _o, _t in deltas})
    per_row: Counter = Counter()
    tops: Counter = Counter()
    for (section_id, objective_id, top), n in deltas.items():
        per_row[(section_id, objective_id)] += n
        if top:
            tops[(section_id, objective_id)] += n
    for section_id, objective_id in sorted(per_row, key=lambda k: (k[0], k[1] or 0)):
        _apply(
            connection,
            section_id,
            objective_id,
            per_row[(section_id, objective_id)],
            tops[(section_id, objective_id)],
        )


def _where(section_id: int, objective_id: int | None):
    objective = (
        CommentCount.objective_id.is_(None)
        if objective_id is None
        else CommentCount.objective_id == objective_id
    )
    return and_(CommentCount.section_id == section_id, objective)


def _apply(
    connection: Connection, section_id: int, objective_id: int | None, n: int, top: int
) -> None:
    if not n and not top:
        return
    done = connection.execute(
        update(CommentCount)
        .where(_where(section_id, objective_id))
        .values(
            published=CommentCount.published + n,
            published_top=CommentCount.published_top + top,
        )
    )
    if done.rowcount:
        return
    # No row yet: count what is there now (this flush's rows included), so a row created
    # late, or lost, starts exact instead of from the delta.
    objective = (
        Comment.objective_id.is_(None)
        if objective_id is None
        else Comment.objective_id == objective_id
    )
    published, published_top = connection.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Comment.depth == 0, 1), else_=0)), 0),
        ).where(Comment.section_id == section_id, objective, Comment.status == "published")
    ).one()
    connection.execute(
        insert(CommentCount).values(
            section_id=section_id,
            objective_id=objective_id,
            published=published,
            published_top=published_top,
        )
    )


def rebuild(connection: Connection, section_ids: Iterable[int] | None = None) -> None:
    """Recount from the comments (all sections, or these): after a bulk load or a repair."""
    ids = None if section_ids is None else sorted(set(section_ids))
    stmt = delete(CommentCount)
    if ids is not None:
        stmt = stmt.where(CommentCount.section_id.in_(ids))
    connection.execute(stmt)
    source = (
        select(
            Comment.section_id,
            Comment.objective_id,
            func.count(),
            func.sum(case((Comment.depth == 0, 1), else_=0)),
        )
        .where(Comment.status == "published")
        .group_by(Comment.section_id, Comment.objective_id)
    )
    if ids is not None:
        source = source.where(Comment.section_id.in_(ids))
    connection.execute(
        insert(CommentCount).from_select(
            ["section_id", "objective_id", "published", "published_top"], source
        )
    )


# --- what comment writes change on section pages (`policy.versions`) -------------------


def _comment_sections(_connection: Connection, row: Comment) -> list[int]:
    return [row.section_id, _old(row, "section_id")]


def _endorsement_sections(connection: Connection, row: Endorsement) -> list[int]:
    # The counts beside a comment change with every agree and disagree.
    return list(connection.scalars(select(Comment.section_id).where(Comment.id == row.comment_id)))


def _participant_sections(connection: Connection, row: Participant) -> list[int]:
    # A changed display name (or an erased account's) shows on every comment of theirs.
    if not attributes.get_history(row, "display_name").deleted:
        return []
    return list(
        connection.scalars(
            select(Comment.section_id).where(Comment.participant_id == row.id).distinct()
        )
    )


def init_app() -> None:
    """Keep the counts and bump section versions on every comment write."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    versions.watch(Comment, _comment_sections)
    versions.watch(Endorsement, _endorsement_sections)
    versions.watch(Participant, _participant_sections)
