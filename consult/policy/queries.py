"""Read side of policies: what readers may see, in document order, in few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.errors import NotFound
from consult.extensions import db
from consult.policy.models import Objective, Policy, Quotation, Section

PUBLIC_STATUSES = ("open", "closed", "published")


def local_today() -> date:
    """Opening and closing dates in policy files are calendar days where the policy runs."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def is_accepting_feedback(policy: Policy, today: date | None = None) -> bool:
    """Open, and today within its dates: the one rule for taking comments and answers."""
    today = today or local_today()
    if policy.status != "open":
        return False
    if policy.opens_at and today < policy.opens_at:
        return False
    return not (policy.closes_at and today > policy.closes_at)


def list_public_policies(include_drafts: bool = False) -> list[Policy]:
    """Policies people may read, latest closing first (drafts only when asked, for admins)."""
    stmt = select(Policy).order_by(Policy.closes_at.desc().nulls_last(), Policy.id)
    if not include_drafts:
        stmt = stmt.where(Policy.status.in_(PUBLIC_STATUSES))
    return list(db.session.scalars(stmt))


def get_policy(slug: str, include_drafts: bool = False) -> Policy:
    """The policy with its live sections, objectives and quotations loaded in 4 queries."""
    stmt = (
        select(Policy)
        .where(Policy.slug == slug)
        .options(
            selectinload(Policy.sections.and_(Section.retired_at.is_(None))).selectinload(
                Section.objectives.and_(Objective.retired_at.is_(None))
            ),
            selectinload(Policy.quotations.and_(Quotation.retired_at.is_(None))),
        )
    )
    policy = db.session.scalar(stmt)
    if policy is None or (policy.status not in PUBLIC_STATUSES and not include_drafts):
        raise NotFound("No such policy.")
    return policy


@dataclass(frozen=True)
class SectionPage:
    policy: Policy
    section: Section
    previous: Section | None
    next: Section | None


def get_section_page(
    policy_slug: str, section_slug: str, include_drafts: bool = False
) -> SectionPage:
    """A section with its neighbours for the reading page, or 404."""
    policy = get_policy(policy_slug, include_drafts)
    sections = policy.sections
    for index, section in enumerate(sections):
        if section.slug == section_slug:
            return SectionPage(
                policy=policy,
                section=section,
                previous=sections[index - 1] if index > 0 else None,
                next=sections[index + 1] if index + 1 < len(sections) else None,
            )
    raise NotFound("No such section.")


def count_objectives(policy_id: int) -> int:
    """Live objectives of a policy (retired ones are kept, not counted)."""
    return (
        db.session.scalar(
            select(func.count(Objective.id)).where(
                Objective.policy_id == policy_id, Objective.retired_at.is_(None)
            )
        )
        or 0
    )
