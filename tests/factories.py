"""make_* factories: rows built through the services, so tests see what users create."""

from __future__ import annotations

import itertools
from typing import Any

from consult.accounts import services as accounts
from consult.accounts.models import User

DEFAULT_PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_user(
    role: str = "citizen",
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    **profile: Any,
) -> User:
    n = next(_seq)
    user = accounts.register_user(
        email or f"person{n}@example.org",
        password,
        name or f"Person {n}",
        profile=profile or None,
    )
    accounts.set_role(user, role)
    return user


def section_of(policy_slug: str = "nsp-2022-2026", section_slug: str = "national-cohesion"):
    from sqlalchemy import select

    from consult.extensions import db
    from consult.policy.models import Policy, Section

    return db.session.scalar(
        select(Section).join(Policy).where(Policy.slug == policy_slug, Section.slug == section_slug)
    )


def make_comment(user: User | None = None, section=None, body: str | None = None, **kwargs: Any):
    """Post a comment through the service (the NSP must be loaded)."""
    from consult.comments import services as comments

    user = user or make_user()
    section = section or section_of()
    return comments.post_comment(user, section, body or f"Comment {next(_seq)}", **kwargs).comment


def survey_of(section_slug: str = "national-cohesion"):
    """The NSP survey of a section (the policy file declares one per section)."""
    from sqlalchemy import select

    from consult.extensions import db
    from consult.surveys.models import Survey

    return db.session.scalar(select(Survey).where(Survey.key == section_slug))


def make_question(
    survey,
    key: str,
    qtype: str,
    position: int = 99,
    required: bool = False,
    condition: dict | None = None,
    **config: Any,
):
    """Add a question to a survey through the same path as files and the builder."""
    from consult.surveys import services as surveys
    from consult.surveys.definitions import QuestionDef

    qdef = QuestionDef(key, qtype, {"en": f"Question {key}?"}, None, required, config, condition)
    question = surveys.apply_question(survey, qdef, position, False, [])
    from consult.extensions import db

    db.session.flush()
    db.session.expire(survey, ["questions"])
    return question


def make_hearing(
    facilitator: User | None = None,
    policy_slug: str = "nsp-2022-2026",
    sections: tuple[str, ...] = ("national-cohesion", "human-security"),
    status: str = "scheduled",
    **details: Any,
):
    """Schedule a hearing through the service (the NSP must be loaded), then open or close
    it when asked; `facilitator` (default: a new facilitator) creates it."""
    from datetime import UTC, datetime, timedelta

    from consult.hearings import services as hearings
    from consult.policy.queries import get_policy

    facilitator = facilitator or make_user(role="facilitator")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    fields: dict[str, Any] = {
        "title": f"Hearing {next(_seq)}",
        "institution": "University of the Punjab",
        "city": "Lahore",
        "province": "punjab",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "sections": list(sections),
        **details,
    }
    hearing = hearings.create_hearing(
        facilitator, get_policy(policy_slug), hearings.HearingDetails(**fields)
    )
    if status in ("open", "closed"):
        hearings.open_hearing(facilitator, hearing)
    if status == "closed":
        hearings.close_hearing(facilitator, hearing)
    return hearing
