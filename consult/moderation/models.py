"""What moderators did: one row per action on a comment or an account.

The hash-chained audit log records the same actions for anyone to verify; this table is
the moderation desk's own read side (an author's history, counts for /transparency).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.models import TimestampMixin, UTCDateTime
from consult.core.vocab import MODERATION_ACTIONS, MODERATION_REASONS, sql_in
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
