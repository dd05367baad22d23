"""Write rules of hearings: schedule, edit, staff, open, close and record the outcome.

Services validate everything they are given (forms and the API hand over raw values),
raise `DomainError` subclasses with per-field messages, audit in the caller's transaction
and flush; the edge (`consult.core.transaction`) commits once.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import audit
from consult.core.models import utcnow
from consult.core.vocab import PROVINCES, label
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from consult.hearings import permissions
from consult.hearings.models import JOIN_ALPHABET, JOIN_CODE_LENGTH, Hearing
from consult.policy.models import Policy, Section

MAX_TITLE = 200
MAX_INSTITUTION = 200
MAX_CITY = 100
MAX_VENUE = 200
MAX_DESCRIPTION = 5000
MAX_MINUTES = 50_000
MAX_SUMMARY = 5000
MAX_ATTENDANCE = 1_000_000
# The next step of each status; anything else is refused, so a hearing never goes back.
NEXT_STATUS = {"scheduled": "open", "open": "closed"}


@dataclass
class HearingDetails:
    """What a facilitator fills in for a hearing, as received (validated by the service)."""

    title: Any = None
    institution: Any = None
    city: Any = None
    province: Any = None
    starts_at: Any = None
    ends_at: Any = None
    sections: Any = field(default_factory=list)
    venue: Any = None
    description: Any = None


@dataclass(frozen=True)
class _Clean:
    title: str
    institution: str
    city: str
    province: str
    starts_at: datetime
    ends_at: datetime
    sections: list[Section]
    venue: str | None
    description: str | None


def new_join_code() -> str:
    """A random code from the unambiguous alphabet (`secrets`, so it cannot be guessed)."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _i in range(JOIN_CODE_LENGTH))


def _unique_join_code() -> str:
    """A code no hearing holds yet; the unique constraint settles any race."""
    for _attempt in range(20):
        code = new_join_code()
        if db.session.scalar(select(Hearing.id).where(Hearing.join_code == code)) is None:
            return code
    raise Conflict(_("Could not find a free join code; try again."))  # pragma: no cover


def _text(value: Any, name: str, limit: int, errors: dict[str, str], required: bool) -> str | None:
    if value is not None and not isinstance(value, str):
        errors[name] = _("Enter text.")
        return None
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    if not text:
        if required:
            errors[name] = _("This is required.")
    elif len(text) > limit or any(unicodedata.category(ch) == "Cc" for ch in text):
        errors[name] = _("Use at most %(max)d characters, without control characters.", max=limit)
    return text or None


def _long_text(value: Any, name: str, limit: int, errors: dict[str, str]) -> str | None:
    """Multi-line text (description, minutes): line breaks kept, surrounding space dropped."""
    if value is None:
        return None
    if not isinstance(value, str):
        errors[name] = _("Enter text.")
        return None
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit or "\x00" in text:
        errors[name] = _("Use at most %(max)d characters.", max=limit)
    return text or None


def parse_instant(value: Any, name: str, errors: dict[str, str]) -> datetime | None:
    """An aware datetime, or ISO 8601 text with a UTC offset (`Z` or `+05:00`).

    A time without an offset is refused rather than guessed: a hearing's hour must mean the
    same for every reader and for the join window.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            errors[name] = _("Enter a date and time such as 2026-12-10T10:00:00+05:00.")
            return None
    if not isinstance(value, datetime):
        errors[name] = _("Enter a date and time.")
        return None
    if value.tzinfo is None:
        errors[name] = _("Give the time with its UTC offset, such as +05:00.")
        return None
    return value.astimezone(UTC)


def _sections(policy: Policy, value: Any, errors: dict[str, str]) -> list[Section]:
    """Sections in scope by slug: at least one, each a live section of the hearing's policy."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors["sections"] = _("Choose the sections by their slugs.")
        return []
    slugs = list(dict.fromkeys(value))
    if not slugs:
        errors["sections"] = _("Choose at least one section.")
        return []
    found = {
        s.slug: s
        for s in db.session.scalars(
            select(Section).where(
                Section.policy_id == policy.id,
                Section.slug.in_(slugs[:100]),
                Section.retired_at.is_(None),
            )
        )
    }
    unknown = [s for s in slugs if s not in found]
    if unknown:
        errors["sections"] = _(
            "Not a section of this policy: %(slugs)s.", slugs=", ".join(u[:40] for u in unknown[:5])
        )
        return []
    return sorted(found.values(), key=lambda s: s.position)


def _clean(policy: Policy, details: HearingDetails) -> _Clean:
    """Validate every field at once, so the person sees all that needs fixing."""
    errors: dict[str, str] = {}
    title = _text(details.title, "title", MAX_TITLE, errors, required=True)
    institution = _text(details.institution, "institution", MAX_INSTITUTION, errors, True)
    city = _text(details.city, "city", MAX_CITY, errors, required=True)
    venue = _text(details.venue, "venue", MAX_VENUE, errors, required=False)
    description = _long_text(details.description, "description", MAX_DESCRIPTION, errors)
    province = details.province
    if province not in PROVINCES:
        errors["province"] = _("Choose a province from the list.")
    starts_at = parse_instant(details.starts_at, "starts_at", errors)
    ends_at = parse_instant(details.ends_at, "ends_at", errors)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The hearing must end after it starts.")
    sections = _sections(policy, details.sections, errors)
    if errors:
        raise ValidationError(_("The hearing was not saved: please correct the fields."), errors)
    return _Clean(
        title or "",
        institution or "",
        city or "",
        str(province),
        starts_at,  # type: ignore[arg-type]
        ends_at,  # type: ignore[arg-type]
        sections,
        venue,
        description,
    )


def _require_manager(actor: User, hearing: Hearing) -> None:
    refusal = permissions.manage_refusal(actor, hearing)
    if refusal:
        raise PermissionDenied(refusal)


def _audit(action: str, actor: User | None, hearing: Hearing, **data: object) -> None:
    audit.record(
        f"hearing.{action}",
        actor_id=getattr(actor, "id", None),
        target_type="hearing",
        target_id=hearing.id,
        data=data,
    )


def create_hearing(actor: User, policy: Policy, details: HearingDetails) -> Hearing:
    """Schedule a hearing; its creator becomes its first facilitator.

    The join code is made now, so it can go on posters and paper forms before the day;
    it only lets people in once the hearing is opened.
    """
    if not permissions.can_create(actor):
        raise PermissionDenied(_("Only facilitators and administrators can run hearings."))
    clean = _clean(policy, details)
    hearing = Hearing(
        policy_id=policy.id,
        title=clean.title,
        institution=clean.institution,
        city=clean.city,
        province=clean.province,
        venue=clean.venue,
        starts_at=clean.starts_at,
        ends_at=clean.ends_at,
        description=clean.description,
        status="scheduled",
        join_code=_unique_join_code(),
        created_by_id=actor.id,
    )
    hearing.sections = clean.sections
    hearing.facilitators = [actor]
    db.session.add(hearing)
    db.session.flush()
    _audit(
        "create",
        actor,
        hearing,
        policy=policy.slug,
        title=hearing.title,
        sections=[s.slug for s in clean.sections],
    )
    return hearing


def update_hearing(actor: User, hearing: Hearing, details: HearingDetails) -> Hearing:
    """Change a hearing's details while it is scheduled or open; the audit lists the fields.

    A closed hearing's details are part of the record: only its outcome is recorded then.
    """
    _require_manager(actor, hearing)
    if hearing.is_closed:
        raise Conflict(_("A closed hearing cannot be changed; record its outcome instead."))
    clean = _clean(hearing.policy, details)
    changed: list[str] = []
    for name in (
        "title",
        "institution",
        "city",
        "province",
        "venue",
        "description",
        "starts_at",
        "ends_at",
    ):
        if getattr(hearing, name) != getattr(clean, name):
            setattr(hearing, name, getattr(clean, name))
            changed.append(name)
    if [s.id for s in hearing.sections] != [s.id for s in clean.sections]:
        hearing.sections = clean.sections
        changed.append("sections")
    if changed:
        hearing.updated_at = utcnow()
        db.session.flush()
        _audit("update", actor, hearing, fields=changed)
    return hearing


def assign_facilitator(actor: User, hearing: Hearing, user: User) -> Hearing:
    """Name another facilitator of a hearing.

    Who may: admins, and the hearing's assigned facilitators (a team running a hall adds a
    colleague without waiting for an admin). Only facilitator and admin accounts qualify.
    Assigning someone already assigned changes nothing.
    """
    _require_manager(actor, hearing)
    if not permissions.can_be_assigned(user):
        raise ValidationError(
            _("Only facilitator or administrator accounts can run a hearing."),
            {"email": _("This account is not a facilitator.")},
        )
    if permissions.is_assigned(user, hearing):
        return hearing
    hearing.facilitators.append(user)
    db.session.flush()
    _audit("assign", actor, hearing, user_id=user.id)
    return hearing


def unassign_facilitator(actor: User, hearing: Hearing, user: User) -> Hearing:
    """Take a facilitator off a hearing (same people as may assign); one must remain."""
    _require_manager(actor, hearing)
    if not permissions.is_assigned(user, hearing):
        return hearing
    if len(hearing.facilitators) <= 1:
        raise Conflict(_("A hearing keeps at least one facilitator; assign another one first."))
    hearing.facilitators = [f for f in hearing.facilitators if f.id != user.id]
    db.session.flush()
    _audit("unassign", actor, hearing, user_id=user.id)
    return hearing


def _advance(actor: User, hearing: Hearing, target: str) -> Hearing:
    _require_manager(actor, hearing)
    if NEXT_STATUS.get(hearing.status) != target:
        if hearing.is_closed:
            raise Conflict(_("This hearing is closed; a closed hearing cannot be reopened."))
        raise Conflict(
            _("A hearing goes from scheduled to open to closed, one step at a time."),
            {
                "status": _(
                    "This hearing is %(status)s.", status=label("hearing_status", hearing.status)
                )
            },
        )
    now = utcnow()
    hearing.status = target
    if target == "open":
        hearing.opened_at = now
    else:
        hearing.closed_at = now
    hearing.updated_at = now
    db.session.flush()
    _audit("open" if target == "open" else "close", actor, hearing)
    return hearing


def open_hearing(actor: User, hearing: Hearing) -> Hearing:
    """Open a scheduled hearing: from now on its join code lets participants in."""
    return _advance(actor, hearing, "open")


def close_hearing(actor: User, hearing: Hearing) -> Hearing:
    """Close an open hearing: joining and posting stop; the outcome can then be recorded."""
    return _advance(actor, hearing, "closed")


def set_status(actor: User, hearing: Hearing, status: Any) -> Hearing:
    """Move a hearing to `open` or `closed` (what the status form and the API send)."""
    if status == "open":
        return open_hearing(actor, hearing)
    if status == "closed":
        return close_hearing(actor, hearing)
    raise ValidationError(
        _("The status can only be set to open or closed."),
        {"status": _("Choose open or closed.")},
    )


def record_outcome(
    actor: User,
    hearing: Hearing,
    minutes: Any = None,
    attendance: Any = None,
    summary: Any = None,
) -> Hearing:
    """Record (or correct) the minutes, attendance count and closing summary of a closed
    hearing; the audit entry keeps which fields changed, so corrections stay visible."""
    _require_manager(actor, hearing)
    if not hearing.is_closed:
        raise Conflict(_("The outcome is recorded once the hearing is closed."))
    errors: dict[str, str] = {}
    clean_minutes = _long_text(minutes, "minutes", MAX_MINUTES, errors)
    clean_summary = _long_text(summary, "summary", MAX_SUMMARY, errors)
    if attendance is not None and (
        isinstance(attendance, bool)
        or not isinstance(attendance, int)
        or not 0 <= attendance <= MAX_ATTENDANCE
    ):
        errors["attendance"] = _("Enter a whole number of people, 0 or more.")
    if errors:
        raise ValidationError(_("The outcome was not saved: please correct the fields."), errors)
    changed = [
        name
        for name, value in (
            ("minutes", clean_minutes),
            ("attendance", attendance),
            ("summary", clean_summary),
        )
        if getattr(hearing, name) != value
    ]
    if changed:
        hearing.minutes, hearing.attendance, hearing.summary = (
            clean_minutes,
            attendance,
            clean_summary,
        )
        hearing.updated_at = utcnow()
        db.session.flush()
        _audit("outcome", actor, hearing, fields=changed, attendance=attendance)
    return hearing
