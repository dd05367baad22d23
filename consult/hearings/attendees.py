"""Hearing attendees: people who take part at a hearing without an account.

An attendee is a `Participant` of kind `attendee` (DESIGN §1) tied to one hearing: one
who joined from a phone with the code (channel `hearing`), or one whose paper form a
facilitator entered or imported (channel `paper`). Their profile feeds the reports'
breakdowns, so it is validated against the same vocabularies as an account's. Their name
is shown only with their explicit consent; otherwise they appear as "Participant at
<hearing>", so a hall of students cannot be identified from the public record.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from consult.accounts.models import Participant
from consult.core.vocab import AGE_BANDS, GENDERS, PROVINCES, STAKEHOLDER_GROUPS
from consult.errors import ValidationError
from consult.extensions import db
from consult.hearings.models import MAX_ATTENDEE_NAME, Hearing, HearingAttendee

MAX_NAME = MAX_ATTENDEE_NAME


@dataclass(frozen=True)
class AttendeeProfile:
    """What an attendee tells about themselves; every field but consent is optional."""

    name: str | None = None
    show_name: bool = False
    province: str = "undisclosed"
    stakeholder_group: str = "undisclosed"
    gender: str = "undisclosed"
    age_band: str = "undisclosed"


def _choice(value: Any, allowed: tuple[str, ...], name: str, errors: dict[str, str]) -> str:
    text = str(value or "").strip() or "undisclosed"
    if text not in allowed:
        errors[name] = _("Choose one of: %(codes)s.", codes=", ".join(allowed))
    return text


def clean_profile(data: dict[str, Any]) -> AttendeeProfile:
    """Validate raw profile fields (a form, a CSV row, a JSON body); every error at once."""
    errors: dict[str, str] = {}
    name = unicodedata.normalize("NFC", " ".join(str(data.get("name") or "").split())) or None
    if name and (len(name) > MAX_NAME or any(unicodedata.category(c) == "Cc" for c in name)):
        errors["name"] = _("Use at most %(max)d characters.", max=MAX_NAME)
    show = data.get("show_name")
    show_name = show is True or str(show).strip().lower() in ("1", "true", "yes", "y", "on")
    profile = AttendeeProfile(
        name=name,
        show_name=bool(name) and show_name,
        province=_choice(data.get("province"), PROVINCES, "province", errors),
        stakeholder_group=_choice(
            data.get("stakeholder_group"), STAKEHOLDER_GROUPS, "stakeholder_group", errors
        ),
        gender=_choice(data.get("gender"), GENDERS, "gender", errors),
        age_band=_choice(data.get("age_band"), AGE_BANDS, "age_band", errors),
    )
    if errors:
        raise ValidationError(_("Please correct the participant's details."), errors)
    return profile


def public_name(hearing: Hearing, profile: AttendeeProfile) -> str:
    """The name threads show: the given one only with consent."""
    if profile.name and profile.show_name:
        return profile.name
    return _("Participant at %(hearing)s", hearing=hearing.title)[:MAX_NAME]


def create_attendee(
    hearing: Hearing,
    profile: AttendeeProfile,
    channel: str,
    entered_by_id: int | None = None,
    form_number: int | None = None,
) -> Participant:
    """A new attendee participant of this hearing; the caller has checked who may add one."""
    if channel not in ("hearing", "paper"):
        raise ValidationError(_("Unknown channel."), {"channel": _("Not a valid channel.")})
    participant = Participant(
        kind="attendee",
        display_name=public_name(hearing, profile),
        province=profile.province,
        stakeholder_group=profile.stakeholder_group,
        gender=profile.gender,
        age_band=profile.age_band,
    )
    db.session.add(participant)
    db.session.flush()
    db.session.add(
        HearingAttendee(
            participant_id=participant.id,
            hearing_id=hearing.id,
            channel=channel,
            given_name=profile.name,
            show_name=profile.show_name,
            entered_by_id=entered_by_id,
            form_number=form_number,
        )
    )
    db.session.flush()
    return participant
