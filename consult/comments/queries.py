"""Read side of comments: threads, counts and the API listing, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    CompoundSelect,
    and_,
    bindparam,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from consult.comments.models import Comment, CommentCount, CommentRevision, Endorsement, Flag
from consult.comments.serializers import comment_json
from consult.core.database import any_of
from consult.core.pagination import Page
from consult.errors import NotFound
from consult.extensions import db
from consult.policy.models import Objective, Section

SORTS = ("new", "old", "top")
VISIBLE_DEPTH = 3  # depths 0, 1 and 2 nest; deeper replies sit under their depth-2 ancestor


@dataclass
class ThreadNode:
    comment: Comment
    children: list[ThreadNode] = field(default_factory=list)
    in_reply_to: str | None = None  # shown for replies flattened below the visible depth


def _order(sort: str):
    if sort == "old":
        return (Comment.created_at.asc(), Comment.id.asc())
    if sort == "top":
        return (Comment.score.desc(), Comment.created_at.desc(), Comment.id.desc())
    return (Comment.created_at.desc(), Comment.id.desc())


def _holds_replies():
    """Whether a (hidden or withdrawn) comment has a published reply: one index probe.

    Written as `(SELECT 1 … LIMIT 1) IS NOT NULL` rather than EXISTS because PostgreSQL
    turns an EXISTS under OR into a hashed subplan over every published comment (11 ms
    at small scale, measured) and then sorts the section; this form stays a per-row
    probe, evaluated only for the few hidden and withdrawn rows, so the page can be read
    in index order.
    """
    child = aliased(Comment)
    return (
        select(literal(1))
        .where(child.parent_id == Comment.id, child.status == "published")
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )


def _visible(viewer_participant_id: int | None, published_only: bool):
    """Published comments; withdrawn or hidden ones only as placeholders that hold replies."""
    if published_only:
        return Comment.status == "published"
    conditions = [
        Comment.status == "published",
        and_(Comment.status.in_(("withdrawn", "hidden")), _holds_replies()),
    ]
    if viewer_participant_id is not None:
        conditions.append(
            and_(Comment.status == "pending", Comment.participant_id == viewer_participant_id)
        )
    return or_(*conditions)


@dataclass
class Thread:
    page: Page[ThreadNode]
    sort: str
    objective: str | None
    my_endorsements: dict[int, str]
    # Small labels beside comments from `hooks.comment_labels` ("invited: Council of Experts").
    labels: dict[int, list[str]] = field(default_factory=dict)

    def comments(self) -> list[Comment]:
        """Every comment on this page, replies included, in no particular order."""
        found: list[Comment] = []
        stack = list(self.page.items)
        while stack:
            node = stack.pop()
            found.append(node.comment)
            stack.extend(node.children)
        return found


def get_thread(
    section: Section,
    viewer_participant_id: int | None = None,
    objective_key: str | None = None,
    sort: str = "new",
    page: int = 1,
    per_page: int = 20,
    published_only: bool = False,
    with_endorsements: bool = True,
) -> Thread:
    """A page of top-level comments with all their replies, in a fixed number of queries.

    Nothing here reads every comment of the section: the page count comes from the kept
    counts (`comment_counts`) plus the few placeholders and own pending comments, and the
    page's ids are read in the order of an index (`ix_comments_thread_new` / `_top`), so
    the database walks offset + 20 index entries instead of sorting the whole section.
    """
    sort = sort if sort in SORTS else "new"
    visible = _visible(viewer_participant_id, published_only)
    objective_id: int | None = None
    where = [Comment.section_id == section.id, Comment.depth == 0]
    if objective_key:
        objective_id = next((o.id for o in section.objectives if o.key == objective_key), None)
        if objective_id is None:  # retired objectives are not loaded with the section
            objective_id = db.session.scalar(
                select(Objective.id).where(
                    Objective.section_id == section.id, Objective.key == objective_key
                )
            )
        where.append(Comment.objective_id == objective_id if objective_id else false())
    total = _count_top_level(
        section.id, objective_key, objective_id, where, published_only, viewer_participant_id
    )
    result = Page.build(total=total, page=page, per_page=per_page)
    ids = list(
        db.session.scalars(
            select(Comment.id)
            .where(*where, visible)
            .order_by(*_order(sort))
            .limit(result.per_page)
            .offset(result.offset)
        )
    )
    roots: list[Comment] = []
    if ids:
        found = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}
        roots = [found[i] for i in ids if i in found]

    replies: list[Comment] = []
    if roots:
        replies = (
            db.session.scalars(
                select(Comment)
                .where(Comment.root_id.in_([c.id for c in roots]), Comment.depth > 0, visible)
                .order_by(Comment.created_at.asc(), Comment.id.asc())
            )
            .unique()
            .all()
        )
    result.items = _build_trees(roots, replies)

    my: dict[int, str] = {}
    if with_endorsements and viewer_participant_id is not None and (roots or replies):
        ids = [c.id for c in roots] + [c.id for c in replies]
        my = dict(
            db.session.execute(
                select(Endorsement.comment_id, Endorsement.value).where(
                    Endorsement.participant_id == viewer_participant_id,
                    Endorsement.comment_id.in_(ids),
                )
            ).all()
        )
    return Thread(page=result, sort=sort, objective=objective_key, my_endorsements=my)


@dataclass(frozen=True)
class ReaderState:
    """What of a shared thread page is this reader's own: read per request, in one query."""

    endorsements: dict[int, str]  # comment id -> 'agree' or 'disagree'
    own: frozenset[int]  # ids of the page's comments the reader wrote
    has_pending: bool  # a comment of theirs awaits moderation somewhere in the section


# The `kind` of each row of `reader_state_select`, named for this domain because the page
# cache joins every domain's rows into one statement.
ENDORSED, WRITTEN = "comments.endorsed", "comments.written"


@lru_cache(maxsize=4)
def reader_state_select(dialect: str) -> CompoundSelect:
    """The reader's endorsements and own comments among the page's comments, and any of
    theirs awaiting moderation in the section, as rows (kind, item, value): one statement
    that reads the reader's own rows by index (their endorsements, their comments), never
    the section's.

    Bind parameters: `reader` (participant id), `section_id`, `comment_ids` (the ids on
    the page, an array on PostgreSQL so the text never changes with their number).
    Built once per process and dialect; the page cache joins it to the section's state.
    """
    endorsed = select(
        literal_column(f"'{ENDORSED}'").label("kind"),
        Endorsement.comment_id.label("item"),
        Endorsement.value.label("value"),
    ).where(
        Endorsement.participant_id == bindparam("reader"),
        any_of(Endorsement.comment_id, "comment_ids", dialect),
    )
    written = select(literal_column(f"'{WRITTEN}'"), Comment.id, Comment.status).where(
        Comment.participant_id == bindparam("reader"),
        or_(
            any_of(Comment.id, "comment_ids", dialect),
            and_(Comment.section_id == bindparam("section_id"), Comment.status == "pending"),
        ),
    )
    return endorsed.union_all(written)


def reader_state_from_rows(rows: Iterable[Sequence[Any]]) -> ReaderState:
    """`ReaderState` from (kind, item, value) rows; rows of other kinds are not ours."""
    endorsements: dict[int, str] = {}
    own: set[int] = set()
    pending = False
    for kind, item, value in rows:
        if kind == ENDORSED:
            endorsements[item] = value
        elif kind == WRITTEN:
            own.add(item)
            pending = pending or value == "pending"
    return ReaderState(endorsements, frozenset(own), pending)


def _count_top_level(
    section_id: int,
    objective_key: str | None,
    objective_id: int | None,
    where: list,
    published_only: bool,
    viewer_participant_id: int | None,
) -> int:
    """How many top-level comments the thread shows, in one statement that reads no more
    than the few rows it must: published ones from the kept counts, plus the placeholders
    that hold published replies and the viewer's own pending ones (a range of the status
    index, which holds few rows)."""
    kept = select(func.coalesce(func.sum(CommentCount.published_top), 0)).where(
        CommentCount.section_id == section_id
    )
    if objective_key:
        kept = kept.where(CommentCount.objective_id == objective_id if objective_id else false())
    if published_only:
        return db.session.scalar(kept) or 0
    shown = [and_(Comment.status.in_(("withdrawn", "hidden")), _holds_replies())]
    statuses = ["withdrawn", "hidden"]
    if viewer_participant_id is not None:
        statuses.append("pending")
        shown.append(
            and_(Comment.status == "pending", Comment.participant_id == viewer_participant_id)
        )
    unpublished = select(func.count(Comment.id)).where(
        *where, Comment.status.in_(statuses), or_(*shown)
    )
    published, others = db.session.execute(
        select(kept.scalar_subquery(), unpublished.scalar_subquery())
    ).one()
    return int(published or 0) + int(others or 0)


def _build_trees(roots: list[Comment], replies: list[Comment]) -> list[ThreadNode]:
    nodes: dict[int, ThreadNode] = {c.id: ThreadNode(c) for c in [*roots, *replies]}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is None:  # its parent is not visible: show it under the nearest visible one
            continue
        node = nodes[reply.id]
        if reply.depth < VISIBLE_DEPTH:
            parent.children.append(node)
        else:
            anchor = parent
            while anchor.comment.depth >= VISIBLE_DEPTH:
                anchor = nodes[anchor.comment.parent_id]
            node.in_reply_to = parent.comment.participant.display_name
            anchor.children.append(node)
    return [nodes[c.id] for c in roots]


def count_by_objective(section: Section) -> dict[str | None, int]:
    """Published comments per objective key (None: about the section as a whole), from the
    counts kept with the writes (`comments.tallies`), not a scan of the section."""
    rows = db.session.execute(
        select(Objective.key, func.sum(CommentCount.published))
        .select_from(CommentCount)
        .outerjoin(Objective, CommentCount.objective_id == Objective.id)
        .where(CommentCount.section_id == section.id)
        .group_by(Objective.key)
    ).all()
    return {key: int(n) for key, n in rows if n}


def count_by_section(policy_id: int) -> dict[int, int]:
    """Published comments per section id, for the policy overview (kept counts)."""
    rows = db.session.execute(
        select(CommentCount.section_id, func.sum(CommentCount.published))
        .join(Section, CommentCount.section_id == Section.id)
        .where(Section.policy_id == policy_id)
        .group_by(CommentCount.section_id)
    ).all()
    return {section_id: int(n) for section_id, n in rows if n}


def list_revisions(comment: Comment) -> list[CommentRevision]:
    """Earlier texts of a comment, newest first, for its edit page."""
    return list(
        db.session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id == comment.id)
            .order_by(CommentRevision.version.desc())
        )
    )


def export_for_participant(participant_id: int) -> dict[str, list[dict]]:
    """Everything a person wrote or did in threads, for "download my data"."""
    comments = db.session.execute(
        select(Comment, Section.slug, Objective.key)
        .join(Section, Comment.section_id == Section.id)
        .outerjoin(Objective, Comment.objective_id == Objective.id)
        .where(Comment.participant_id == participant_id)
        .order_by(Comment.id)
    ).all()
    endorsements = db.session.execute(
        select(Endorsement.comment_id, Endorsement.value, Endorsement.created_at)
        .where(Endorsement.participant_id == participant_id)
        .order_by(Endorsement.id)
    ).all()
    flags = db.session.execute(
        select(Flag.comment_id, Flag.reason, Flag.note, Flag.created_at)
        .where(Flag.participant_id == participant_id)
        .order_by(Flag.id)
    ).all()
    return {
        "comments": [comment_json(c, private=True, section=slug) for c, slug, _key in comments],
        "endorsements": [
            {"comment_id": cid, "value": value, "created_at": at.isoformat()}
            for cid, value, at in endorsements
        ],
        "flags": [
            {"comment_id": cid, "reason": reason, "note": note, "created_at": at.isoformat()}
            for cid, reason, note, at in flags
        ],
    }


def get_comment(comment_id: int) -> Comment:
    """The comment with this id, whatever its status (callers decide what may be shown)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def list_own_comments(participant_id: int, limit: int = 100) -> list[Comment]:
    """A person's latest comments, whatever their status, for their account page."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.participant_id == participant_id)
            .order_by(Comment.id.desc())
            .limit(limit)
        )
    )
