"""What moderators did: one row per action on a comment or an account.

The hash-chained audit log records the same actions for anyone to verify; this table is
the moderation desk's own read side (an author's history, counts for /transparency).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.models import TimestampMixin, UTCDateTime
from consult.core.vocab import CAMPAIGN_STATUSES, MODERATION_ACTIONS, MODERATION_REASONS, sql_in
from consult.extensions import db


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
