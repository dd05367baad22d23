"""Stakeholder bodies, invitees and their personal invitation links (the invited stream)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime
from consult.core.vocab import BODY_KINDS, PROVINCES, STAKEHOLDER_GROUPS, STANCES, sql_in
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
    # Nominated by an administrator to submit the body's formal response.
    representative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

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


SUBMISSION_STATUSES = ("draft", "submitted")


class Submission(TimestampMixin, db.Model):
    """A body's formal written response, one row per version.

    A body has at most one draft at a time; submitting makes a version read-only, and a
    revision starts a new draft (the next version) from the last submitted one, so every
    version a body sent stays in the record.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("body_id", "version"),
        CheckConstraint(f"status IN ({sql_in(SUBMISSION_STATUSES)})", name="status"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    body_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_bodies.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    statement: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The body asked for it not to be published: moderators and admins only.
    unpublished: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    body: Mapped[StakeholderBody] = relationship(lazy="joined")
    points: Mapped[list[SubmissionPoint]] = relationship(
        back_populates="submission", order_by="SubmissionPoint.id"
    )
    attachments: Mapped[list[SubmissionAttachment]] = relationship(
        back_populates="submission", order_by="SubmissionAttachment.id"
    )


class SubmissionPoint(TimestampMixin, db.Model):
    """A comment of a submission on a section, optionally one objective, with a stance."""

    __tablename__ = "submission_points"
    __table_args__ = (
        CheckConstraint(f"stance IS NULL OR stance IN ({sql_in(STANCES)})", name="stance"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id"), nullable=False, index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), nullable=False)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id"))
    stance: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, nullable=False)

    submission: Mapped[Submission] = relationship(back_populates="points")


class SubmissionAttachment(TimestampMixin, db.Model):
    """A PDF of a submission: stored outside the web root under its SHA-256, served only
    as a download."""

    __tablename__ = "submission_attachments"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    submission: Mapped[Submission] = relationship(back_populates="attachments")
