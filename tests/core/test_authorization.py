"""Who may open what: a role-by-route matrix, with the buttons a role must not see."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from consult.comments.models import Comment
from consult.core.models import utcnow
from consult.extensions import db
from consult.moderation import curation
from consult.policy.models import Policy
from tests.factories import (
    DEFAULT_PASSWORD,
    make_comment,
    make_hearing,
    make_user,
    section_of,
    survey_of,
)

ROLES = ("anonymous", "citizen", "facilitator", "moderator", "admin")

# (method, path template, expected status per role in ROLES order). "302" means a redirect
# to the login page. {comment} is someone else's comment, {survey} the first NSP survey,
# {campaign} a group of two copied comments, {hearing} a scheduled hearing created by an
# admin (so the facilitator role's fresh account is not assigned to it).
MATRIX = [
    ("GET", "/", (200, 200, 200, 200, 200)),
    ("GET", "/policies/nsp-2022-2026/sections/defence", (200, 200, 200, 200, 200)),
    ("GET", "/account", (302, 200, 200, 200, 200)),
    ("GET", "/account/data", (302, 200, 200, 200, 200)),
    ("GET", "/comments/{comment}/reply", (302, 200, 200, 200, 200)),
    ("GET", "/comments/{comment}/flag", (302, 200, 200, 200, 200)),
    ("GET", "/comments/{comment}/edit", (302, 403, 403, 403, 403)),
    ("POST", "/comments/{comment}/edit", (302, 403, 403, 403, 403)),
    ("GET", "/comments/{comment}/withdraw", (302, 403, 403, 403, 403)),
    ("POST", "/comments/{comment}/withdraw", (302, 403, 403, 403, 403)),
    ("GET", "/admin/surveys/", (302, 403, 403, 403, 200)),
    ("GET", "/admin/surveys/{survey}", (302, 403, 403, 403, 200)),
    ("GET", "/admin/surveys/{survey}/preview", (302, 403, 403, 403, 200)),
    ("POST", "/admin/surveys/{survey}/status", (302, 403, 403, 403, 302)),
    ("GET", "/admin/users/", (302, 403, 403, 403, 200)),
    ("GET", "/moderation/", (302, 403, 403, 200, 200)),
    ("POST", "/moderation/actions", (302, 403, 403, 302, 302)),
    ("GET", "/moderation/users/{author}/ban", (302, 403, 403, 200, 200)),
    ("POST", "/moderation/users/{author}/unban", (302, 403, 403, 302, 302)),
    ("GET", "/moderation/log", (302, 403, 403, 200, 200)),
    ("GET", "/moderation/log.csv", (302, 403, 403, 200, 200)),
    ("GET", "/moderation/themes", (302, 403, 403, 200, 200)),
    ("POST", "/moderation/themes", (302, 403, 403, 422, 422)),
    ("POST", "/moderation/themes/{theme}/rename", (302, 403, 403, 302, 302)),
    ("POST", "/moderation/themes/{theme}/merge", (302, 403, 403, 302, 302)),
    ("POST", "/moderation/themes/{theme}/retire", (302, 403, 403, 302, 302)),
    ("POST", "/moderation/themes/{theme}/reinstate", (302, 403, 403, 302, 302)),
    ("POST", "/moderation/tags", (302, 403, 403, 302, 302)),
    ("GET", "/moderation/comments/{comment}", (302, 403, 403, 200, 200)),
    ("POST", "/moderation/comments/{comment}/feature", (302, 403, 403, 302, 302)),
    ("POST", "/moderation/comments/{comment}/notes", (302, 403, 403, 302, 302)),
    ("GET", "/moderation/campaigns", (302, 403, 403, 200, 200)),
    ("GET", "/moderation/campaigns/{campaign}", (302, 403, 403, 200, 200)),
    ("POST", "/moderation/campaigns/{campaign}/confirm", (302, 403, 403, 302, 302)),
    ("POST", "/moderation/campaigns/{campaign}/split", (302, 403, 403, 302, 302)),
    ("GET", "/transparency", (200, 200, 200, 200, 200)),
    # The report while the policy is open: the desk only (public once published, below).
    ("GET", "/policies/nsp-2022-2026/report", (302, 403, 403, 200, 200)),
    # Publishing: admins only (422 here: the confirmation box is not ticked).
    ("POST", "/policies/nsp-2022-2026/report/snapshots", (302, 403, 403, 403, 422)),
    # No snapshot yet: nothing to read (public once one exists, below).
    ("GET", "/policies/nsp-2022-2026/report/snapshots/1", (404, 404, 404, 404, 404)),
    ("GET", "/policies/nsp-2022-2026/report/snapshots/1.json", (404, 404, 404, 404, 404)),
    # The government's response: admins only, on the desk.
    ("POST", "/moderation/comments/{comment}/disposition", (302, 403, 403, 403, 302)),
    ("POST", "/moderation/themes/{theme}/disposition", (302, 403, 403, 403, 302)),
    ("GET", "/moderation/responses", (302, 403, 403, 403, 200)),
    ("POST", "/moderation/responses/{section}", (302, 403, 403, 403, 422)),
    # Exports (docs/reports.md "Exports"): the desk only, published or not.
    ("GET", "/policies/nsp-2022-2026/report/export/comments.csv", (302, 403, 403, 200, 200)),
    (
        "GET",
        "/policies/nsp-2022-2026/report/export?kind=hearings&format=json",
        (302, 403, 403, 200, 200),
    ),
    ("GET", "/hearings/", (200, 200, 200, 200, 200)),
    ("GET", "/hearings/new", (302, 403, 200, 403, 200)),
    ("POST", "/hearings/new", (302, 403, 422, 403, 422)),
    ("GET", "/hearings/{hearing}", (200, 200, 200, 200, 200)),
    ("GET", "/hearings/{hearing}/edit", (302, 403, 403, 403, 200)),
    ("POST", "/hearings/{hearing}/edit", (302, 403, 403, 403, 422)),
    ("POST", "/hearings/{hearing}/status", (302, 403, 403, 403, 302)),
    ("GET", "/hearings/{hearing}/outcome", (302, 403, 403, 403, 200)),
    ("POST", "/hearings/{hearing}/outcome", (302, 403, 403, 403, 409)),
    ("POST", "/hearings/{hearing}/facilitators", (302, 403, 403, 403, 302)),
    ("POST", "/hearings/{hearing}/facilitators/{author}/remove", (302, 403, 403, 403, 404)),
    # Paper forms: printable and the template before opening; entry only once open (409).
    ("GET", "/hearings/{hearing}/paper", (302, 403, 403, 403, 200)),
    ("POST", "/hearings/{hearing}/paper", (302, 403, 403, 403, 409)),
    ("GET", "/hearings/{hearing}/paper/forms", (302, 403, 403, 403, 200)),
    ("GET", "/hearings/{hearing}/paper/1", (302, 403, 403, 403, 404)),
    ("POST", "/hearings/{hearing}/paper/1", (302, 403, 403, 403, 404)),
    ("GET", "/hearings/{hearing}/paper/import", (302, 403, 403, 403, 200)),
    ("POST", "/hearings/{hearing}/paper/import", (302, 403, 403, 403, 409)),
    ("GET", "/hearings/{hearing}/paper/template.csv", (302, 403, 403, 403, 200)),
    ("GET", "/hearings/{hearing}/paper/print", (302, 403, 403, 403, 200)),
    ("GET", "/hearings/{hearing}/projector", (302, 403, 403, 403, 200)),
    ("GET", "/hearings/{hearing}/counters.json", (302, 403, 403, 403, 200)),
    ("GET", "/join", (200, 200, 200, 200, 200)),
    ("POST", "/admin/users/{author}/role", (302, 403, 403, 403, 302)),
    ("POST", "/admin/users/{author}/login-limits", (302, 403, 403, 403, 302)),
    ("GET", "/invitations/participation", (302, 403, 403, 200, 200)),
    ("GET", "/invitations/not-a-real-invitation-token-000", (404, 404, 404, 404, 404)),
    ("POST", "/invitations/not-a-real-invitation-token-000", (404, 404, 404, 404, 404)),
    ("POST", "/invitations/not-a-real-invitation-token-000/attach", (302, 404, 404, 404, 404)),
    ("POST", "/account/invitations/{invitee}/label", (302, 404, 404, 404, 404)),
    ("GET", "/admin/invitations/", (302, 403, 403, 403, 200)),
    ("GET", "/admin/invitations/import", (302, 403, 403, 403, 200)),
    ("POST", "/admin/invitations/import", (302, 403, 403, 403, 422)),
    ("GET", "/admin/invitations/bodies", (302, 403, 403, 403, 200)),
    ("POST", "/admin/invitations/bodies", (302, 403, 403, 403, 422)),
    ("GET", "/admin/invitations/bodies/{body}", (302, 403, 403, 403, 200)),
    ("POST", "/admin/invitations/bodies/{body}", (302, 403, 403, 403, 302)),
    ("GET", "/admin/invitations/invitees/new", (302, 403, 403, 403, 200)),
    ("POST", "/admin/invitations/invitees/new", (302, 403, 403, 403, 422)),
    ("GET", "/admin/invitations/invitees/{invitee}", (302, 403, 403, 403, 200)),
    ("POST", "/admin/invitations/invitees/{invitee}", (302, 403, 403, 403, 422)),
    ("POST", "/admin/invitations/send", (302, 403, 403, 403, 302)),
    ("POST", "/admin/invitations/remind", (302, 403, 403, 403, 302)),
    ("POST", "/admin/invitations/{invitation}/resend", (302, 403, 403, 403, 302)),
    ("POST", "/admin/invitations/{invitation}/revoke", (302, 403, 403, 403, 302)),
    ("POST", "/admin/invitations/{invitation}/remind", (302, 403, 403, 403, 302)),
    ("GET", "/bodies/{body}/response", (404, 404, 404, 404, 404)),
    ("POST", "/bodies/{body}/response/draft", (302, 403, 403, 403, 403)),
    ("GET", "/submissions/1", (302, 404, 404, 404, 404)),
    ("GET", "/submissions/attachments/1", (404, 404, 404, 404, 404)),
    ("POST", "/submissions/attachments/1/remove", (302, 404, 404, 404, 404)),
]


def _invitee():
    """An invitee of the NSP with a body, invitation not sent."""
    from consult.invitations import services as invitations

    policy = db.session.scalar(select(Policy))
    body = invitations.create_body(policy, "Council of Experts", "expert-council")
    return invitations.create_invitee(
        policy,
        invitations.InviteeData(email="invitee@example.org", name="Invitee", body_id=body.id),
    )


@pytest.fixture
def as_role(client, nsp):
    def login(role: str):
        if role != "anonymous":
            user = make_user(role=role)
            db.session.commit()
            client.post("/auth/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
        return client

    return login


def _campaign() -> int:
    """A candidate group of near-identical comments (moderation/campaigns.py)."""
    from consult.moderation.models import CampaignSignature

    text = "Please withdraw the proposed changes to the curriculum until teachers are heard."
    copy = make_comment(body=text) and make_comment(body=text.upper())
    db.session.commit()
    return db.session.get(CampaignSignature, copy.id).group_id


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(
    ("method", "path", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX]
)
def test_role_by_route(as_role, role_index, method, path, expected):
    comment = make_comment(body="Someone else's comment")
    theme = None
    if "{theme}" in path:
        policy = db.session.scalar(select(Policy))
        theme = curation.create_theme(make_user(role="admin"), policy, "A theme")
    hearing = make_hearing(make_user(role="admin")) if "{hearing}" in path else None
    db.session.commit()
    campaign = _campaign() if "{campaign}" in path else None
    invitee = (
        _invitee() if "{invitee}" in path or "{body}" in path or "{invitation}" in path else None
    )
    db.session.commit()
    url = path.format(
        invitee=invitee.id if invitee else None,
        body=invitee.body_id if invitee else None,
        invitation=invitee.invitation.id if invitee else None,
        comment=comment.id,
        survey=survey_of().id,
        author=comment.participant.user.id,
        theme=theme.id if theme else None,
        campaign=campaign,
        hearing=hearing.id if hearing else None,
        section=section_of().id,
    )
    client = as_role(ROLES[role_index])
    data = {"status": "closed", "body": "x", "value": "withdraw"} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected[role_index], (ROLES[role_index], url)
    if response.status_code in (302, 303) and ROLES[role_index] == "anonymous":
        assert response.headers["Location"].startswith("/auth/login?next=")


def test_a_published_report_is_public(as_role):
    """Once a snapshot is published, everyone reads it (the desk the live report)."""
    from consult.reports.publication import publish_report

    publish_report(db.session.scalar(select(Policy)), make_user(role="admin"))
    db.session.commit()
    for role in ROLES:
        client = as_role(role)
        for path in ("", "/snapshots/1", "/snapshots/1.json"):
            url = "/policies/nsp-2022-2026/report" + path
            assert client.get(url).status_code == 200, (role, url)
        client.post("/auth/logout")


def test_draft_policies_are_for_admins_only(as_role):
    db.session.execute(update(Policy).values(status="draft"))
    db.session.commit()
    for role, status in (("anonymous", 404), ("citizen", 404), ("moderator", 404)):
        client = as_role(role)
        assert client.get("/policies/nsp-2022-2026").status_code == status, role
        assert client.get("/policies/nsp-2022-2026/report").status_code == status, role
        client.post("/auth/logout")
    assert as_role("admin").get("/policies/nsp-2022-2026").status_code == 200


def test_buttons_follow_permissions(as_role):
    comment = make_comment(body="Visible comment")
    db.session.commit()
    anonymous = (
        as_role("anonymous")
        .get("/policies/nsp-2022-2026/sections/national-cohesion")
        .get_data(as_text=True)
    )
    assert f"/comments/{comment.id}/reply" not in anonymous
    assert f"/comments/{comment.id}/flag" not in anonymous
    assert 'id="comment-form"' not in anonymous
    citizen = (
        as_role("citizen")
        .get("/policies/nsp-2022-2026/sections/national-cohesion")
        .get_data(as_text=True)
    )
    assert f"/comments/{comment.id}/reply" in citizen and f"/comments/{comment.id}/flag" in citizen
    assert f"/comments/{comment.id}/edit" not in citizen
    assert 'href="/admin/surveys/"' not in citizen


def test_admin_sees_the_builder_link(as_role):
    html = as_role("admin").get("/").get_data(as_text=True)
    assert 'href="/admin/surveys/"' in html


def test_banned_account_sees_no_comment_form_nor_reaction_buttons(client, nsp):
    comment = make_comment(body="Someone else's comment")
    banned = make_user()
    banned.banned_at = utcnow()
    db.session.commit()
    client.post("/auth/login", data={"email": banned.email, "password": DEFAULT_PASSWORD})
    html = client.get("/policies/nsp-2022-2026/sections/national-cohesion").get_data(as_text=True)
    assert 'id="comment-form"' not in html
    assert "Your account is suspended from posting." in html
    assert f"/comments/{comment.id}/flag" not in html and "Comment on this objective" not in html
    response = client.post(
        "/policies/nsp-2022-2026/sections/national-cohesion/comments", data={"body": "Hello"}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Comment.id))) == 1  # nothing written
