"""Participants, user accounts and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.core.vocab import AGE_BANDS, GENDERS, PROVINCES, ROLES, STAKEHOLDER_GROUPS, sql_in
from consult.extensions import db


class Participant(TimestampMixin, db.Model):
    """Whoever gave feedback: an account holder, or a hearing attendee without an account.

    Reports break participation down by this profile, so it lives here rather than on the
    account; comments, endorsements, flags and responses all point at a participant.
    """

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("kind IN ('account', 'attendee')", name="kind"),
        CheckConstraint(f"province IN ({sql_in(PROVINCES)})", name="province"),
        CheckConstraint(
            f"stakeholder_group IN ({sql_in(STAKEHOLDER_GROUPS)})", name="stakeholder_group"
        ),
        CheckConstraint(f"gender IN ({sql_in(GENDERS)})", name="gender"),
        CheckConstraint(f"age_band IN ({sql_in(AGE_BANDS)})", name="age_band"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="account")
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    province: Mapped[str] = mapped_column(String(32), nullable=False, default="undisclosed")
    stakeholder_group: Mapped[str] = mapped_column(
        String(32), nullable=False, default="undisclosed"
    )
    gender: Mapped[str] = mapped_column(String(16), nullable=False, default="undisclosed")
    age_band: Mapped[str] = mapped_column(String(16), nullable=False, default="undisclosed")
    # UTS #39 skeleton of an account's display name, so look-alikes are refused (F9).
    name_key: Mapped[str | None] = mapped_column(String(320), index=True)

    user: Mapped[User | None] = relationship(back_populates="participant", uselist=False)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({sql_in(ROLES)})", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL once the account is deleted: the identity goes, the consultation record stays.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # UTS #39 skeleton of the email: `cіt@…` (Cyrillic і) may not sit beside `cit@…` (F9).
    email_key: Mapped[str | None] = mapped_column(String(1024), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="citizen")
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), nullable=False, unique=True
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    banned_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # NULL: until lifted
    ban_reason: Mapped[str | None] = mapped_column(String(32))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the owner opens the emailed confirmation link; unconfirmed accounts read only.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session and remember-me cookie; bumping it ends them all (F2).
    session_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1"
    )

    participant: Mapped[Participant] = relationship(back_populates="user", lazy="joined")
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", order_by="ApiToken.id.desc()"
    )

    @property
    def display_name(self) -> str:
        return self.participant.display_name

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot log in
        return self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def get_id(self) -> str:
        """The session's user id carries the session version, so old cookies stop working."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_banned(self) -> bool:
        """Suspended now: banned, and the end date (if any) not yet reached."""
        if self.banned_at is None:
            return False
        return self.banned_until is None or self.banned_until > utcnow()


class ApiToken(TimestampMixin, db.Model):
    """A personal API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
