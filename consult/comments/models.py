"""Comments, their revisions, endorsements and flags.

Every row points at a participant (an account holder now, a hearing attendee later) and a
comment records its channel and, for hearings, the hearing it came from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Participant
from consult.core.models import TimestampMixin, UTCDateTime
from consult.core.vocab import (
    CHANNELS,
    COMMENT_STATUSES,
    FLAG_REASONS,
    HOLD_REASONS,
    INPUT_STREAMS,
    MODERATION_REASONS,
    STANCES,
    sql_in,
)
from consult.extensions import db
from consult.policy.models import Objective, Section

MAX_BODY = 5000


class Comment(TimestampMixin, db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(COMMENT_STATUSES)})", name="status"),
        CheckConstraint(f"channel IN ({sql_in(CHANNELS)})", name="channel"),
        CheckConstraint(f"stream IN ({sql_in(INPUT_STREAMS)})", name="stream"),
        CheckConstraint(f"stance IS NULL OR stance IN ({sql_in(STANCES)})", name="stance"),
        CheckConstraint("depth >= 0", name="depth"),
        CheckConstraint("(parent_id IS NULL) = (depth = 0)", name="parent_depth"),
        CheckConstraint(
            f"moderation_reason IS NULL OR moderation_reason IN ({sql_in(MODERATION_REASONS)})",
            name="moderation_reason",
        ),
        CheckConstraint(
            f"held_for IS NULL OR held_for IN ({sql_in(HOLD_REASONS)})", name="held_for"
        ),
        # The thread listing: top-level comments of a section, by status and time.
        Index("ix_comments_section_thread", "section_id", "depth", "status", "created_at"),
        # A page of the thread in each sort order, read in index order: the database walks
        # the page's entries (and the offset before them) instead of sorting the section.
        # `status` last so the visibility test is answered from the index too.
        Index("ix_comments_thread_new", "section_id", "depth", "created_at", "id", "status"),
        Index(
            "ix_comments_thread_top", "section_id", "depth", "score", "created_at", "id", "status"
        ),
        Index("ix_comments_root_id", "root_id"),
        # "A hidden comment stays as a placeholder while it has published replies" is an
        # EXISTS on the replies of each hidden comment; without this it scans the table.
        Index("ix_comments_parent_status", "parent_id", "status"),
        Index("ix_comments_participant_created", "participant_id", "created_at"),
        # Covers every aggregate of the report (reports/queries.py), so it reads this
        # narrow index instead of the comment rows with their bodies (docs/performance.md).
        Index(
            "ix_comments_report",
            "policy_id",
            "status",
            "section_id",
            "objective_id",
            "stance",
            "channel",
            "stream",
            "created_at",
            "participant_id",
            "hearing_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), nullable=False)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    # The top-level comment of the thread (itself for a top-level comment): replies of a
    # page of threads load in one query.
    root_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False, default="online")
    # `invited` when the author joined through an invitation to this policy (set at insert
    # time by a registered resolver, `policy.hooks.resolve_stream`), else `open`.
    stream: Mapped[str] = mapped_column(
        String(16), nullable=False, default="open", server_default="open"
    )
    # The hearing it came from (channel `hearing` or `paper`); named by table, so comments
    # never import the hearings domain above them.
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearings.id"), index=True)
    stance: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="published")
    agree_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    disagree_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Lower bound of the Wilson interval of agree vs disagree; "top" sorts by it.
    score: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why a moderator hid or rejected it (shown in its place); NULL while it is visible.
    moderation_reason: Mapped[str | None] = mapped_column(String(32))
    # Why the spam heuristics sent it to the queue (HOLD_REASONS), for the desk only; a
    # moderator's decision clears it. NULL for every comment the heuristics let through.
    held_for: Mapped[str | None] = mapped_column(String(16))

    participant: Mapped[Participant] = relationship(lazy="joined", innerjoin=True)
    objective: Mapped[Objective | None] = relationship(lazy="joined")
    section: Mapped[Section] = relationship()
    parent: Mapped[Comment | None] = relationship(
        remote_side="Comment.id", foreign_keys=[parent_id]
    )

    @property
    def is_visible_text(self) -> bool:
        return self.status in ("published", "pending")


class CommentRevision(TimestampMixin, db.Model):
    """An earlier version of a comment, kept whenever its author edits it."""

    __tablename__ = "comment_revisions"
    __table_args__ = (UniqueConstraint("comment_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    stance: Mapped[str | None] = mapped_column(String(16))


class Endorsement(TimestampMixin, db.Model):
    __tablename__ = "endorsements"
    __table_args__ = (
        UniqueConstraint("comment_id", "participant_id"),
        CheckConstraint("value IN ('agree', 'disagree')", name="value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), nullable=False, index=True
    )
    value: Mapped[str] = mapped_column(String(8), nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Flag(TimestampMixin, db.Model):
    """A reader's report that a comment breaks the rules; the moderation queue acts on it."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("comment_id", "participant_id"),
        CheckConstraint(f"reason IN ({sql_in(FLAG_REASONS)})", name="reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False, index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), nullable=False)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(String(500))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(32))


class CommentCount(db.Model):
    """Published comments per section and objective, kept by `comments.tallies` in the
    transaction of every write that changes them, so no page view counts the section.

    One row per (section, objective), `objective_id` NULL for comments about the section
    as a whole. `published` counts every depth, `published_top` top-level comments only
    (the thread's page count starts from it).
    """

    __tablename__ = "comment_counts"
    __table_args__ = (
        UniqueConstraint("section_id", "objective_id"),
        CheckConstraint("published >= 0 AND published_top >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), nullable=False)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id"))
    published: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    published_top: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
