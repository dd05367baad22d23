"""Stakeholder bodies, invitees and their personal invitation links (the invited stream)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime
from consult.core.vocab import BODY_KINDS, PROVINCES, STAKEHOLDER_GROUPS, sql_in
from consult.extensions import db


class StakeholderBody(TimestampMixin, db.Model):
    """An institution asked for its view: a ministry, a provincial government, a council.

    `name_key` is the name folded (NFKC, spaces collapsed, case-folded), so "Council of
    Experts" and "council  of experts" in two CSV files are one body.
    """

    __tablename__ = "stakeholder_bodies"
    __table_args__ = (
        UniqueConstraint("policy_id", "name_key"),
        CheckConstraint(f"kind IN ({sql_in(BODY_KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    contact: Mapped[str | None] = mapped_column(String(300))


class Invitee(TimestampMixin, db.Model):
    """A person invited to a policy's consultation; matched by email on every re-import.

    `user_id` is set once they join (through their link); `show_label` is their consent to
    the "invited: <body>" label beside their comments.
    """

    __tablename__ = "invitees"
    __table_args__ = (
        UniqueConstraint("policy_id", "email"),
        UniqueConstraint("policy_id", "user_id"),
        CheckConstraint(
            f"stakeholder_group IN ({sql_in(STAKEHOLDER_GROUPS)})", name="stakeholder_group"
        ),
        CheckConstraint(f"province IS NULL OR province IN ({sql_in(PROVINCES)})", name="province"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_bodies.id"), index=True)
    affiliation: Mapped[str | None] = mapped_column(String(200))
    stakeholder_group: Mapped[str] = mapped_column(
        String(32), nullable=False, default="undisclosed"
    )
    province: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    show_label: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    body: Mapped[StakeholderBody | None] = relationship(lazy="joined")
    invitation: Mapped[Invitation] = relationship(back_populates="invitee", uselist=False)

    @property
    def label_name(self) -> str | None:
        """What the thread label names: the body, else the affiliation."""
        return self.body.name if self.body is not None else self.affiliation


class Invitation(TimestampMixin, db.Model):
    """The invitee's personal link: only the SHA-256 of its token is stored.

    A resend or a reminder to someone who has not joined issues a new token (the old one
    stops working); joining spends it. The state is derived from the timestamps.
    """

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint("reminders_sent >= 0", name="reminders_sent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("invitees.id"), nullable=False, unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitee: Mapped[Invitee] = relationship(back_populates="invitation", lazy="joined")
