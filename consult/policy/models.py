"""Policies, their sections and objectives, and the revision history of their text.

Rows are matched by stable keys (policy slug, section slug, objective key) when a file is
reloaded, so ids never change and nothing attached to them is orphaned.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.core.vocab import MODERATION_MODES, POLICY_STATUSES, sql_in
from consult.extensions import db


class Policy(TimestampMixin, db.Model):
    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(POLICY_STATUSES)})", name="status"),
        CheckConstraint(f"moderation IN ({sql_in(MODERATION_MODES)})", name="moderation"),
        CheckConstraint(
            "closes_at IS NULL OR opens_at IS NULL OR closes_at >= opens_at", name="dates"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    preamble: Mapped[dict[str, str] | None] = mapped_column(JSON)
    vision: Mapped[dict[str, str] | None] = mapped_column(JSON)
    process: Mapped[dict[str, str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    moderation: Mapped[str] = mapped_column(String(8), nullable=False, default="post")
    opens_at: Mapped[date | None] = mapped_column(Date)
    closes_at: Mapped[date | None] = mapped_column(Date)
    source_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    sections: Mapped[list[Section]] = relationship(
        back_populates="policy", order_by="Section.position"
    )
    quotations: Mapped[list[Quotation]] = relationship(
        back_populates="policy", order_by="Quotation.position"
    )


class Quotation(db.Model):
    __tablename__ = "quotations"
    __table_args__ = (UniqueConstraint("policy_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    attribution: Mapped[dict[str, str] | None] = mapped_column(JSON)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    policy: Mapped[Policy] = relationship(back_populates="quotations")


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("policy_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    slug: Mapped[str] = mapped_column(String(80), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    goal: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    # A section dropped from the file is retired, never deleted: feedback may point at it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    policy: Mapped[Policy] = relationship(back_populates="sections")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="section", order_by="Objective.position"
    )


class Objective(db.Model):
    __tablename__ = "objectives"
    # Keys are unique across the whole policy so `#NC-1` and API references never clash.
    __table_args__ = (UniqueConstraint("policy_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), nullable=False, index=True)
    key: Mapped[str] = mapped_column(String(32), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    section: Mapped[Section] = relationship(back_populates="objectives")


class TextRevision(TimestampMixin, db.Model):
    """One version of one text field; the first load writes version 1 of every text."""

    __tablename__ = "text_revisions"
    __table_args__ = (
        UniqueConstraint("entity_type", "entity_id", "field", "version"),
        CheckConstraint(
            "entity_type IN ('policy', 'section', 'objective', 'quotation')", name="entity_type"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False, index=True)
    entity_type: Mapped[str] = mapped_column(String(16), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)


class SectionVersion(db.Model):
    """A counter per section that every write shown on its page raises, in its transaction.

    The rendered section page is cached under this number (and served with it as ETag), so
    a new comment, an edit or a moderator's hide changes the key and the very next view is
    rendered afresh: nothing is ever invalidated, a stale entry is simply never asked for.
    The row also serialises writers of one section (the bump is an UPDATE of this row),
    which keeps `comments.tallies` exact without a unique index on a nullable column.
    """

    __tablename__ = "section_versions"
    __table_args__ = (CheckConstraint("version >= 0", name="version"),)

    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
