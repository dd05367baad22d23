"""Hearings: in-person sessions of a consultation, the sections they cover, who runs them.

Comments and survey responses point at a hearing (`hearing_id`) with their channel
(`hearing` from a phone in the hall, `paper` from a form entered by a facilitator), so
everything said at a hearing lands in the same record as online input.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.core.vocab import HEARING_STATUSES, PROVINCES, sql_in
from consult.extensions import db
from consult.policy.models import Policy, Section

# Join codes: short enough to read off a projector and type on a phone, from an alphabet
# without characters people confuse (0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B).
JOIN_ALPHABET = "ACEFGHJKMNPRTUVWXY34679"
JOIN_CODE_LENGTH = 6

# The sections a hearing covers (all of its policy; at least one, checked by the service).
hearing_sections = Table(
    "hearing_sections",
    db.metadata,
    Column("hearing_id", ForeignKey("hearings.id"), primary_key=True),
    Column("section_id", ForeignKey("sections.id"), primary_key=True),
)

# Who runs a hearing: accounts with the facilitator or admin role, assigned by name.
hearing_facilitators = Table(
    "hearing_facilitators",
    db.metadata,
    Column("hearing_id", ForeignKey("hearings.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Hearing(TimestampMixin, db.Model):
    __tablename__ = "hearings"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(HEARING_STATUSES)})", name="status"),
        CheckConstraint(f"province IN ({sql_in(PROVINCES)})", name="province"),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance"),
        # The timestamps follow the status, so a row cannot claim a step it never took.
        CheckConstraint(
            "(status = 'scheduled' AND opened_at IS NULL AND closed_at IS NULL)"
            " OR (status = 'open' AND opened_at IS NOT NULL AND closed_at IS NULL)"
            " OR (status = 'closed' AND opened_at IS NOT NULL AND closed_at IS NOT NULL)",
            name="lifecycle",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    institution: Mapped[str] = mapped_column(String(200), nullable=False)
    city: Mapped[str] = mapped_column(String(100), nullable=False)
    province: Mapped[str] = mapped_column(String(32), nullable=False)
    venue: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="scheduled")
    join_code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The outcome, recorded after closing.
    minutes: Mapped[str | None] = mapped_column(Text)
    attendance: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    policy: Mapped[Policy] = relationship()
    sections: Mapped[list[Section]] = relationship(
        secondary=hearing_sections, order_by=Section.position
    )
    facilitators: Mapped[list[User]] = relationship(
        secondary=hearing_facilitators, order_by=User.id
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"


MAX_ATTENDEE_NAME = 80


class HearingAttendee(TimestampMixin, db.Model):
    """Which hearing an attendee participant belongs to, and what they agreed to show."""

    __tablename__ = "hearing_attendees"
    __table_args__ = (
        CheckConstraint("channel IN ('hearing', 'paper')", name="channel"),
        # A paper form's number identifies it within its hearing (the stack and the record).
        UniqueConstraint("hearing_id", "form_number", name="uq_hearing_attendees_form"),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id"), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)  # hearing | paper
    # The name as given, kept for the facilitator and admins even when not shown publicly.
    given_name: Mapped[str | None] = mapped_column(String(MAX_ATTENDEE_NAME))
    show_name: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    form_number: Mapped[int | None] = mapped_column(Integer)
