"""Hearing services and queries: lifecycle, validation, permissions, join codes, counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from consult.comments.services import post_comment
from consult.core.audit import AuditEntry
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from consult.hearings import permissions, queries, services
from consult.hearings.models import JOIN_ALPHABET, Hearing
from consult.policy.queries import get_policy
from tests.factories import make_hearing, make_user, section_of
from tests.helpers import count_queries, count_rows

START = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)


def details(**overrides):
    fields = {
        "title": "Hearing at NUST",
        "institution": "NUST",
        "city": "Islamabad",
        "province": "islamabad",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "sections": ["defence", "foreign-policy"],
    }
    fields.update(overrides)
    return services.HearingDetails(**fields)


def test_create_assigns_the_creator_and_audits(nsp):
    facilitator = make_user(role="facilitator")
    hearing = services.create_hearing(facilitator, nsp, details(venue="  Main   hall "))
    db.session.commit()
    assert hearing.status == "scheduled"
    assert [f.id for f in hearing.facilitators] == [facilitator.id]
    assert [s.slug for s in hearing.sections] == ["defence", "foreign-policy"]
    assert hearing.venue == "Main hall"
    assert hearing.created_by_id == facilitator.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hearing.create"))
    assert entry.target_id == str(hearing.id) and entry.actor_id == facilitator.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"institution": None}, "institution"),
        ({"province": "moon"}, "province"),
        ({"ends_at": START}, "ends_at"),
        ({"ends_at": START - timedelta(hours=1)}, "ends_at"),
        ({"starts_at": "2026-12-10T10:00"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"sections": []}, "sections"),
        ({"sections": ["defence", "no-such-section"]}, "sections"),
        ({"sections": "defence"}, "sections"),
    ],
)
def test_validation_errors_name_the_field_and_write_nothing(nsp, overrides, field):
    facilitator = make_user(role="facilitator")
    db.session.commit()
    with pytest.raises(ValidationError) as caught:
        services.create_hearing(facilitator, nsp, details(**overrides))
    db.session.rollback()
    assert field in caught.value.fields
    assert count_rows(Hearing) == 0


def test_all_field_errors_come_at_once(nsp):
    with pytest.raises(ValidationError) as caught:
        services.create_hearing(
            make_user(role="admin"), nsp, details(title="", city="", sections=[])
        )
    assert {"title", "city", "sections"} <= set(caught.value.fields)


def test_iso_text_with_offset_is_accepted(nsp):
    hearing = services.create_hearing(
        make_user(role="facilitator"),
        nsp,
        details(starts_at="2026-12-10T10:00:00+05:00", ends_at="2026-12-10T07:00:00Z"),
    )
    assert hearing.starts_at == START
    assert hearing.ends_at == START + timedelta(hours=2)


def test_citizen_and_moderator_cannot_create(nsp):
    for role in ("citizen", "moderator"):
        with pytest.raises(PermissionDenied):
            services.create_hearing(make_user(role=role), nsp, details())
    assert count_rows(Hearing) == 0


def test_lifecycle_goes_forward_only(nsp):
    hearing = make_hearing()
    facilitator = hearing.facilitators[0]
    with pytest.raises(Conflict):
        services.close_hearing(facilitator, hearing)  # not open yet
    services.open_hearing(facilitator, hearing)
    assert hearing.status == "open" and hearing.opened_at is not None
    with pytest.raises(Conflict):
        services.open_hearing(facilitator, hearing)
    services.close_hearing(facilitator, hearing)
    assert hearing.status == "closed" and hearing.closed_at >= hearing.opened_at
    for step in (services.open_hearing, services.close_hearing):
        with pytest.raises(Conflict, match="cannot be reopened"):
            step(facilitator, hearing)
    with pytest.raises(ValidationError):
        services.set_status(facilitator, hearing, "scheduled")
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_type == "hearing")
    ).all()
    assert actions == ["hearing.create", "hearing.open", "hearing.close"]


def test_database_refuses_a_status_without_its_timestamp(nsp):
    hearing = make_hearing()
    db.session.commit()
    hearing.status = "closed"
    with pytest.raises(Exception, match="(?i)check"):
        db.session.flush()
    db.session.rollback()


def test_only_assigned_facilitators_and_admins_manage(nsp):
    hearing = make_hearing()
    other = make_user(role="facilitator")
    admin = make_user(role="admin")
    citizen = make_user()
    assert permissions.can_manage(hearing.facilitators[0], hearing)
    assert permissions.can_manage(admin, hearing)
    assert not permissions.can_manage(other, hearing)
    assert not permissions.can_manage(citizen, hearing)
    with pytest.raises(PermissionDenied, match="assigned"):
        services.open_hearing(other, hearing)
    with pytest.raises(PermissionDenied):
        services.update_hearing(citizen, hearing, details())
    services.open_hearing(admin, hearing)
    assert hearing.status == "open"


def test_assigned_facilitator_adds_a_colleague_who_then_manages(nsp):
    hearing = make_hearing()
    lead = hearing.facilitators[0]
    colleague = make_user(role="facilitator")
    services.assign_facilitator(lead, hearing, colleague)
    services.assign_facilitator(lead, hearing, colleague)  # again: no change
    assert [f.id for f in hearing.facilitators] == [lead.id, colleague.id]
    assert permissions.can_manage(colleague, hearing)
    with pytest.raises(ValidationError):
        services.assign_facilitator(lead, hearing, make_user(role="citizen"))
    services.unassign_facilitator(colleague, hearing, lead)
    with pytest.raises(Conflict, match="at least one"):
        services.unassign_facilitator(colleague, hearing, colleague)
    assert not permissions.can_manage(lead, hearing)


def test_a_demoted_facilitator_loses_their_hearings(nsp):
    from consult.accounts.services import set_role

    hearing = make_hearing()
    lead = hearing.facilitators[0]
    set_role(lead, "citizen")
    assert not permissions.can_manage(lead, hearing)


def test_update_changes_fields_and_refuses_closed(nsp):
    hearing = make_hearing()
    lead = hearing.facilitators[0]
    services.update_hearing(lead, hearing, details(title="Renamed", sections=["defence"]))
    assert hearing.title == "Renamed" and [s.slug for s in hearing.sections] == ["defence"]
    services.open_hearing(lead, hearing)
    services.close_hearing(lead, hearing)
    with pytest.raises(Conflict):
        services.update_hearing(lead, hearing, details())


def test_outcome_only_after_closing(nsp):
    hearing = make_hearing(status="open")
    lead = hearing.facilitators[0]
    with pytest.raises(Conflict):
        services.record_outcome(lead, hearing, minutes="x", attendance=3)
    services.close_hearing(lead, hearing)
    with pytest.raises(ValidationError) as caught:
        services.record_outcome(lead, hearing, attendance=-1)
    assert "attendance" in caught.value.fields
    services.record_outcome(lead, hearing, minutes="Opened at ten.", attendance=120, summary="Ok")
    assert (hearing.minutes, hearing.attendance, hearing.summary) == ("Opened at ten.", 120, "Ok")


def test_join_codes_use_the_unambiguous_alphabet_and_are_unique(nsp):
    codes = {make_hearing().join_code for _i in range(15)}
    assert len(codes) == 15
    for code in codes:
        assert len(code) == 6 and set(code) <= set(JOIN_ALPHABET)
    assert not set("0O1IL") & set(JOIN_ALPHABET)
    assert all(set(services.new_join_code()) <= set(JOIN_ALPHABET) for _i in range(200))


def test_join_code_lookup_normalises_case_and_spaces(nsp):
    hearing = make_hearing()
    db.session.commit()
    code = hearing.join_code
    messy = f"  {code[:3].lower()} - {code[3:].lower()} "
    assert queries.get_by_join_code(messy).id == hearing.id
    assert queries.normalise_join_code(code.lower()) == code
    assert queries.get_by_join_code("0O1IL0") is None  # outside the alphabet
    assert queries.get_by_join_code(code[:5]) is None
    assert queries.get_by_join_code(None) is None


def test_public_list_counts_contributions_by_channel_in_one_query(nsp):
    open_one = make_hearing(status="open")
    closed_one = make_hearing(status="closed")
    scheduled = make_hearing()
    citizen = make_user()
    section = section_of(section_slug="national-cohesion")
    for body in ("First point", "Second point"):
        post_comment(citizen, section, body, channel="hearing", hearing_id=open_one.id)
    post_comment(citizen, section, "From paper", channel="paper", hearing_id=open_one.id)
    post_comment(citizen, section, "Online, no hearing")
    db.session.commit()
    with count_queries() as statements:
        listing = queries.list_public_hearings()
    assert len(statements) <= 6
    assert [r.hearing.id for r in listing.upcoming] == [open_one.id, scheduled.id]
    assert [r.hearing.id for r in listing.past.items] == [closed_one.id]
    counts = {r.hearing.id: r.contributions for r in listing.upcoming}
    assert counts[open_one.id].comments == {"online": 0, "hearing": 2, "paper": 1}
    assert counts[open_one.id].total == 3
    assert counts[scheduled.id].total == 0


def test_facilitator_sees_own_hearings_only(nsp):
    mine = make_hearing()
    make_hearing()
    assert [r.hearing.id for r in queries.list_for_facilitator(mine.facilitators[0])] == [mine.id]


def test_hearings_of_draft_policies_stay_off_the_public_list(nsp):
    make_hearing()
    get_policy("nsp-2022-2026").status = "draft"
    db.session.flush()
    listing = queries.list_public_hearings()
    assert listing.upcoming == [] and listing.past.items == [] and listing.past.total == 0


def test_past_hearings_are_paged_latest_first_in_fixed_queries(nsp):
    closed = [make_hearing(status="closed") for _ in range(5)]
    upcoming = make_hearing()
    db.session.commit()
    latest_first = [h.id for h in reversed(closed)]  # closed one after another
    with count_queries() as statements:
        first = queries.list_public_hearings(past_page=1, per_page=2)
    assert len(statements) <= 6
    assert [r.hearing.id for r in first.upcoming] == [upcoming.id]  # on every page
    assert (first.past.total, first.past.pages) == (5, 3)
    assert [r.hearing.id for r in first.past.items] == latest_first[:2]
    second = queries.list_public_hearings(past_page=2, per_page=2)
    assert [r.hearing.id for r in second.past.items] == latest_first[2:4]
    beyond = queries.list_public_hearings(past_page=99, per_page=2)
    assert beyond.past.page == 3 and [r.hearing.id for r in beyond.past.items] == latest_first[4:]
