"""Participation figures against an independent count; the API shape; permissions."""

from __future__ import annotations

from consult.comments import services as comments
from consult.extensions import db
from consult.invitations import queries, services
from consult.invitations.services import InviteeData
from tests.factories import DEFAULT_PASSWORD, make_user, section_of
from tests.helpers import bearer_for

PEOPLE = [
    # (email, body index or None, group, joins, comments)
    ("a@example.org", 0, "expert", True, True),
    ("b@example.org", 0, "expert", True, False),
    ("c@example.org", 1, "government", False, False),
    ("d@example.org", 2, "government", True, True),
    ("e@example.org", None, "civil-society", True, True),
    ("f@example.org", None, "academic", False, False),
]
BODIES = [
    ("Council of Experts", "expert-council"),
    ("Ministry of Interior", "federal-ministry"),
    ("Government of Sindh", "provincial-government"),
    ("GHQ", "military"),
]


def _world(nsp):
    bodies = [services.create_body(nsp, n, k) for n, k in BODIES]
    for n, (email, b, group, joins, speaks) in enumerate(PEOPLE):
        invitee = services.create_invitee(
            nsp,
            InviteeData(
                email=email,
                name=f"P{n}",
                body_id=bodies[b].id if b is not None else None,
                stakeholder_group=group,
            ),
        )
        services.send_invitation(invitee.invitation)
        if joins:
            token = services._issue_token(invitee.invitation)
            user = services.accept_invitation(token, f"Invited {n}", DEFAULT_PASSWORD, True)
            if speaks:
                comments.post_comment(user, section_of(), f"View number {n}")
    # An open participant's comment counts for nobody.
    comments.post_comment(make_user(), section_of(), "Open view")
    db.session.commit()


def _expected():
    """Counted by hand from PEOPLE, without SQL."""
    kinds = {k: {"invited": 0, "joined": 0, "contributed": 0} for _n, k in BODIES}
    for kind in ("regional-government", "academia", "civil-society", "other"):
        kinds[kind] = {"invited": 0, "joined": 0, "contributed": 0}
    kinds["none"] = {"invited": 0, "joined": 0, "contributed": 0}
    for _e, b, _g, joins, speaks in PEOPLE:
        key = BODIES[b][1] if b is not None else "none"
        kinds[key]["invited"] += 1
        kinds[key]["joined"] += joins
        kinds[key]["contributed"] += speaks
    return kinds


def test_figures_match_an_independent_count(app, nsp):
    _world(nsp)
    figures = queries.get_participation(nsp.id).api()
    assert figures["invited"] == len(PEOPLE)
    assert figures["joined"] == sum(p[3] for p in PEOPLE)
    assert figures["contributed"] == sum(p[4] for p in PEOPLE)
    assert figures["by_body_kind"] == _expected()
    groups = queries.get_participation(nsp.id).by_stakeholder_group
    assert groups["government"].as_dict() == {"invited": 2, "joined": 1, "contributed": 1}
    silent = [b.name for b, _n, _j in queries.list_silent_bodies(nsp.id)]
    assert sorted(silent) == ["GHQ", "Ministry of Interior"]


def test_api_shape_and_permissions(client, nsp):
    _world(nsp)
    url = f"/api/v1/policies/{nsp.slug}/participation"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer_for(make_user())).status_code == 403
    body = client.get(url, headers=bearer_for(make_user(role="moderator"))).json
    assert set(body) == {"invited", "joined", "contributed", "by_body_kind"}
    assert body["by_body_kind"]["expert-council"] == {"invited": 2, "joined": 2, "contributed": 1}
    admin = bearer_for(make_user(role="admin"))
    assert (
        client.get(
            f"/api/v1/policies/{nsp.slug}/invitees", headers=bearer_for(make_user(role="moderator"))
        ).status_code
        == 403
    )
    listed = client.get(f"/api/v1/policies/{nsp.slug}/invitees", headers=admin).json
    assert listed["total"] == len(PEOPLE)
    created = client.post(
        f"/api/v1/policies/{nsp.slug}/invitees",
        headers=admin,
        json={"email": "new@example.org", "name": "New Person"},
    )
    assert created.status_code == 201 and created.json["invitation"]["state"] == "not-sent"
    body = client.post(
        f"/api/v1/policies/{nsp.slug}/bodies",
        headers=admin,
        json={"name": "HEC", "kind": "academia"},
    )
    assert body.status_code == 201
    dup = client.post(
        f"/api/v1/policies/{nsp.slug}/bodies",
        headers=admin,
        json={"name": "hec", "kind": "academia"},
    )
    assert dup.status_code == 409
    sent = client.post(f"/api/v1/policies/{nsp.slug}/invitations", headers=admin)
    assert sent.status_code == 201 and sent.json == {"sent": 1}
    states = client.get(f"/api/v1/policies/{nsp.slug}/invitations", headers=admin).json
    assert {i["state"] for i in states["invitations"]} == {"sent", "joined", "contributed"}


def test_participation_page_shows_figures_and_no_emails(client, nsp, login_as):
    _world(nsp)
    login_as("moderator")
    html = client.get(f"/invitations/participation?policy={nsp.slug}").get_data(as_text=True)
    assert "6 invited, 4 joined, 3 contributed." in html
    assert "GHQ" in html and "@example.org" not in html


def test_reminders_go_only_to_those_who_have_not_contributed(app, nsp):
    import pytest
    from sqlalchemy import select

    from consult.core.mail import outbox
    from consult.errors import Conflict
    from consult.invitations.models import Invitation, Invitee

    _world(nsp)
    remindable = set(queries.list_remindable_ids(nsp.id))
    silent = {
        inv.id
        for inv, invitee in db.session.execute(
            select(Invitation, Invitee).join(Invitee, Invitee.id == Invitation.invitee_id)
        ).all()
        if invitee.email in {p[0] for p in PEOPLE if not p[4]}
    }
    assert remindable == silent
    spoke = db.session.scalar(
        select(Invitation).join(Invitee).where(Invitee.email == "a@example.org")
    )
    with pytest.raises(Conflict):
        services.remind_invitation(spoke)
    before = len(outbox())
    for invitation_id in sorted(remindable):
        services.remind_invitation(db.session.get(Invitation, invitation_id))
    assert len(outbox()) == before + len(silent)
