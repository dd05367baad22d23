"""Attendees: a profile validated like an account's, a name shown only with consent, and
comments posted for them without an account (channel hearing or paper)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.comments import services as comments
from consult.comments.models import Comment
from consult.errors import PermissionDenied, ValidationError
from consult.extensions import db
from consult.hearings import attendees
from consult.hearings.models import HearingAttendee
from consult.policy.models import Policy
from tests.factories import make_hearing, make_user, section_of
from tests.helpers import count_rows


def test_profile_is_validated_with_every_error_at_once(app):
    profile = attendees.clean_profile(
        {"name": "  Ayesha   Khan ", "show_name": "on", "province": "sindh", "gender": "woman"}
    )
    assert (profile.name, profile.show_name, profile.province) == ("Ayesha Khan", True, "sindh")
    assert (profile.stakeholder_group, profile.age_band) == ("undisclosed", "undisclosed")
    with pytest.raises(ValidationError) as caught:
        attendees.clean_profile({"province": "mars", "gender": "robot", "name": "x" * 81})
    assert set(caught.value.fields) == {"province", "gender", "name"}
    assert attendees.clean_profile({"show_name": "yes"}).show_name is False  # no name, no show


def test_a_name_is_public_only_with_consent(app, nsp):
    hearing = make_hearing(status="open", title="Karachi University hearing")
    shown = attendees.create_attendee(
        hearing, attendees.clean_profile({"name": "Bilal", "show_name": True}), "hearing"
    )
    hidden = attendees.create_attendee(
        hearing, attendees.clean_profile({"name": "Sana"}), "paper", form_number=17
    )
    assert shown.display_name == "Bilal" and shown.kind == "attendee"
    assert hidden.display_name == "Participant at Karachi University hearing"
    row = db.session.get(HearingAttendee, hidden.id)
    assert (row.given_name, row.show_name, row.form_number, row.channel) == (
        "Sana",
        False,
        17,
        "paper",
    )
    with pytest.raises(ValidationError):
        attendees.create_attendee(hearing, attendees.AttendeeProfile(), "online")


def test_attendee_comments_carry_channel_and_hearing(app, nsp):
    hearing = make_hearing(status="open")
    person = attendees.create_attendee(hearing, attendees.AttendeeProfile(), "hearing")
    result = comments.post_attendee_comment(
        person, section_of(), "Campus security needs students' voices.", hearing_id=hearing.id
    )
    comment = result.comment
    assert (comment.channel, comment.hearing_id, comment.participant_id) == (
        "hearing",
        hearing.id,
        person.id,
    )
    with pytest.raises(ValidationError):
        comments.post_attendee_comment(person, section_of(), "No hearing", hearing_id=None)
    account = make_user()
    with pytest.raises(PermissionDenied):
        comments.post_attendee_comment(
            account.participant, section_of(), "Not an attendee", hearing_id=hearing.id
        )
    db.session.scalar(select(Policy)).status = "closed"
    with pytest.raises(PermissionDenied, match="not taking comments"):
        comments.post_attendee_comment(person, section_of(), "Too late", hearing_id=hearing.id)
    assert count_rows(Comment) == 1
