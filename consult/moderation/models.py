"""What moderators did and how they curate.

`ModerationAction` is one row per action on a comment or an account: the hash-chained
audit log records the same actions for anyone to verify; this table is the desk's own
read side (an author's history, counts for /transparency). Themes, tags, featured quotes
and private notes are the curation the reports build on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime
from consult.core.vocab import (
    CAMPAIGN_STATUSES,
    DISPOSITIONS,
    MODERATION_ACTIONS,
    MODERATION_REASONS,
    sql_in,
)
from consult.extensions import db
from consult.policy.models import Policy


class ModerationAction(TimestampMixin, db.Model):
    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(f"action IN ({sql_in(MODERATION_ACTIONS)})", name="action"),
        CheckConstraint(
            f"reason IS NULL OR reason IN ({sql_in(MODERATION_REASONS)})", name="reason"
        ),
        CheckConstraint("comment_id IS NOT NULL OR user_id IS NOT NULL", name="target"),
        Index("ix_moderation_actions_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL for the platform's own actions (the flag threshold).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)  # private to moderators
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # The account acted on (bans), or the comment's author's participant (history).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), index=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Theme(TimestampMixin, db.Model):
    """A theme moderators tag comments with, per policy; reports group feedback by it.

    A theme is never deleted: it is retired (no new tags, old ones kept) or merged into
    another (its tags move there and it points at where they went).
    """

    __tablename__ = "themes"
    __table_args__ = (
        # One theme per name and policy, however it is cased or spaced.
        UniqueConstraint("policy_id", "name_key", name="uq_themes_policy_name"),
        CheckConstraint("merged_into_id IS NULL OR retired_at IS NOT NULL", name="merged_retired"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    name_key: Mapped[str] = mapped_column(String(80), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))

    policy: Mapped[Policy] = relationship()

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class CommentTheme(TimestampMixin, db.Model):
    """A comment tagged with a theme, by whom and when."""

    __tablename__ = "comment_themes"
    __table_args__ = (Index("ix_comment_themes_theme", "theme_id", "comment_id"),)

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), primary_key=True)
    tagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FeaturedQuote(TimestampMixin, db.Model):
    """A comment moderators chose to quote in the report; un-featuring keeps the row."""

    __tablename__ = "featured_quotes"
    __table_args__ = (
        # At most one current featuring per comment; past ones stay as history.
        Index(
            "uq_featured_quotes_current",
            "comment_id",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    featured_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ModeratorNote(TimestampMixin, db.Model):
    """A private note moderators leave on a comment: never shown to the public or the author."""

    __tablename__ = "moderator_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text, nullable=False)


class CampaignGroup(TimestampMixin, db.Model):
    """Near-identical comments on one policy, grouped as they arrived (moderation/campaigns.py).

    `size` is kept with every join and split so the desk and the reports read it without
    counting members; a moderator confirms the group as one campaign or splits it up.
    """

    __tablename__ = "campaign_groups"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(CAMPAIGN_STATUSES)})", name="status"),
        CheckConstraint("size >= 0", name="size"),
        Index("ix_campaign_groups_policy_status_size", "policy_id", "status", "size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="candidate")
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The comment the group was first matched against: the text the desk shows.
    sample_comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    split_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    split_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CampaignSignature(TimestampMixin, db.Model):
    """A comment's MinHash signature and its group: one row per comment that was signed.

    `released_from_id` records a moderator's split: that comment is never grouped again
    (its band rows are deleted), so a split group does not re-absorb what was split off.
    """

    __tablename__ = "campaign_signatures"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    # num_perm little-endian uint32 MinHash values (datasketch's affine32 scheme).
    signature: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_groups.id"), index=True)
    released_from_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_groups.id"))


class CampaignBand(db.Model):
    """One LSH band of a signature: comments sharing a band hash are candidate duplicates.

    The band index is mixed into `band_hash`, so the lookup is one `band_hash IN (...)`
    on the (policy_id, band_hash) index.
    """

    __tablename__ = "campaign_bands"
    __table_args__ = (Index("ix_campaign_bands_lookup", "policy_id", "band_hash"),)

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_signatures.comment_id"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    band_hash: Mapped[int] = mapped_column(BigInteger, nullable=False)


# --- "we asked, you said, we did" -------------------------------------------------------
# Each row is one version: setting a disposition or writing a response adds a row and
# marks the current one superseded (by whom, when); clearing only supersedes. So the
# current value is the row with `superseded_at IS NULL` (at most one, a partial unique
# index) and every earlier one stays, besides the audit entry each change writes.


class _Disposition:
    """What a comment and a theme disposition share: the code, the reason, who set it and
    who superseded it. Each table still names its own target column and partial index."""

    _target: ClassVar[str]  # the column naming what the disposition is about

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint(f"disposition IN ({sql_in(DISPOSITIONS)})", name="disposition"),
            CheckConstraint("length(reason) > 0", name="reason"),
            Index(
                f"uq_{cls.__tablename__}_current",
                cls._target,
                unique=True,
                sqlite_where=text("superseded_at IS NULL"),
                postgresql_where=text("superseded_at IS NULL"),
            ),
        )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disposition: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @declared_attr
    @classmethod
    def set_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    @classmethod
    def superseded_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))


class CommentDisposition(_Disposition, db.Model):
    """What the government did with one published comment, and why."""

    __tablename__ = "comment_dispositions"
    _target = "comment_id"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False, index=True)


class ThemeDisposition(_Disposition, db.Model):
    """What the government did with everything said under one theme, and why."""

    __tablename__ = "theme_dispositions"
    _target = "theme_id"

    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), nullable=False, index=True)


class SectionResponse(db.Model):
    """The government's response to what was said on one section (Markdown, sanitised)."""

    __tablename__ = "section_responses"
    __table_args__ = (
        CheckConstraint("length(body) > 0", name="body"),
        Index(
            "uq_section_responses_current",
            "section_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
