"""Links: sending, each bad link, joining (new or existing account), the invited label."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core.mail import outbox
from consult.core.models import utcnow
from consult.extensions import db
from consult.invitations import services
from consult.invitations.models import Invitation, Invitee
from consult.invitations.services import InviteeData
from consult.surveys.models import SurveyResponse
from tests.factories import DEFAULT_PASSWORD, make_user, survey_of
from tests.helpers import assert_redirect

LINK = re.compile(r"http://[^\s]+/invitations/([A-Za-z0-9_-]+)")


def _invite(nsp, email="invitee@example.org", body="Council of Experts"):
    b = services.create_body(nsp, body, "expert-council") if body else None
    invitee = services.create_invitee(
        nsp,
        InviteeData(
            email=email,
            name="Sana Invited",
            body_id=b.id if b else None,
            stakeholder_group="expert",
            province="punjab",
        ),
    )
    db.session.commit()
    return invitee


def _send(runner, nsp) -> str:
    result = runner.invoke(args=["consult", "send-invitations", "--policy", nsp.slug])
    assert result.exit_code == 0, result.output
    return result.output


def _token() -> str:
    return LINK.search(outbox()[-1].body).group(1)


def test_send_mails_each_unsent_invitation_once(runner, nsp, app):
    _invite(nsp)
    _invite(nsp, "second@example.org", body=None)
    assert "Sent 2 invitation(s)." in _send(runner, nsp)
    assert "Sent 0 invitation(s)." in _send(runner, nsp)
    assert len(outbox()) == 2
    assert outbox()[0].to == "invitee@example.org"
    assert outbox()[0].body.count("http://127.0.0.1:5000/invitations/") == 1
    db.session.expire_all()
    inv = db.session.scalar(select(Invitation).limit(1))
    token = LINK.search(outbox()[0].body).group(1)
    assert token not in (inv.token_hash or "") and len(inv.token_hash) == 64


def test_wrong_link_is_404_and_changes_nothing(client, nsp):
    response = client.get("/invitations/" + "x" * 43)
    assert response.status_code == 404
    assert "not right" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_journey_from_mail_to_an_invited_comment_with_its_label(client, runner, nsp):
    _invite(nsp)
    _send(runner, nsp)
    token = _token()
    page = client.get(f"/invitations/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'value="invitee@example.org" readonly' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Invitation)).opened_at is not None
    response = client.post(
        f"/invitations/{token}",
        data={
            "display_name": "Sana",
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
            "show_label": "y",
        },
    )
    assert_redirect(response, f"/policies/{nsp.slug}")
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "invitee@example.org"))
    assert user.is_confirmed and user.participant.stakeholder_group == "expert"
    assert user.participant.province == "punjab"
    assert db.session.scalar(select(Invitee)).user_id == user.id
    assert "Verified by invitation" in client.get("/account").get_data(as_text=True)
    section = f"/policies/{nsp.slug}/sections/national-cohesion"
    assert client.post(section + "/comments", data={"body": "An invited view."}).status_code == 302
    db.session.expire_all()
    comment = db.session.scalar(select(Comment))
    assert comment.stream == "invited"
    html = client.get(section).get_data(as_text=True)
    assert "invited: Council of Experts" in html
    assert "invitee@example.org" not in html
    # The link is spent now.
    client.post("/auth/logout")
    used = client.get(f"/invitations/{token}")
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)


def test_no_label_without_consent_and_open_stream_for_others(client, runner, nsp):
    _invite(nsp)
    _send(runner, nsp)
    user = services.accept_invitation(_token(), "Quiet", DEFAULT_PASSWORD, show_label=False)
    db.session.commit()
    from consult.comments import services as comments
    from tests.factories import section_of

    comments.post_comment(user, section_of(), "Invited but unlabelled.")
    other = make_user()
    comments.post_comment(other, section_of(), "An open view.")
    db.session.commit()
    streams = dict(db.session.execute(select(Comment.body, Comment.stream)).all())
    assert streams == {"Invited but unlabelled.": "invited", "An open view.": "open"}
    html = client.get(f"/policies/{nsp.slug}/sections/national-cohesion").get_data(as_text=True)
    assert "invited:" not in html


def test_survey_responses_record_their_stream(runner, nsp, app):
    from consult.surveys import services as surveys

    _invite(nsp)
    _send(runner, nsp)
    user = services.accept_invitation(_token(), "Responder", DEFAULT_PASSWORD, show_label=True)
    other = make_user()
    survey = survey_of()
    answers = {"ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"}}
    surveys.submit_response(survey, user.participant, answers)
    surveys.submit_response(survey, other.participant, answers)
    db.session.commit()
    rows = dict(
        db.session.execute(select(SurveyResponse.participant_id, SurveyResponse.stream)).all()
    )
    assert rows == {user.participant_id: "invited", other.participant_id: "open"}


def test_revoked_and_expired_links_are_410_and_change_nothing(client, runner, nsp):
    invitee = _invite(nsp)
    _send(runner, nsp)
    token = _token()
    services.revoke_invitation(invitee.invitation)
    db.session.commit()
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)
    post = client.post(
        f"/invitations/{token}",
        data={"display_name": "X", "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD},
    )
    assert post.status_code == 410
    db.session.expire_all()
    assert db.session.scalar(select(Invitation)).opened_at is None
    assert db.session.scalar(select(User)) is None

    services.resend_invitation(db.session.scalar(select(Invitation)))
    db.session.commit()
    fresh = _token()
    assert client.get(f"/invitations/{token}").status_code == 404  # the old link died
    inv = db.session.scalar(select(Invitation))
    inv.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"/invitations/{fresh}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_existing_account_attaches_after_login(client, runner, nsp):
    make_user(email="invitee@example.org", name="Already Here")
    db.session.commit()
    _invite(nsp)
    _send(runner, nsp)
    token = _token()
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "already uses this invitation" in page
    refused = client.post(
        f"/invitations/{token}",
        data={"display_name": "Dup", "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD},
    )
    assert refused.status_code == 409
    client.post("/auth/login", data={"email": "invitee@example.org", "password": DEFAULT_PASSWORD})
    response = client.post(f"/invitations/{token}/attach", data={"show_label": "y"})
    assert_redirect(response, f"/policies/{nsp.slug}")
    db.session.expire_all()
    invitee = db.session.scalar(select(Invitee))
    assert invitee.user_id is not None and invitee.show_label
    assert db.session.scalar(select(Invitation)).joined_at is not None


def test_resend_revoke_remind_are_audited_admin_buttons(client, runner, nsp, login_as):
    from consult.core.audit import AuditEntry

    invitee = _invite(nsp)
    login_as("admin")
    assert_redirect(
        client.post(f"/admin/invitations/send?policy={nsp.slug}"),
        f"/admin/invitations/?policy={nsp.slug}",
    )
    assert len(outbox()) == 1
    inv_id = invitee.invitation.id
    client.post(f"/admin/invitations/{inv_id}/remind")
    client.post(f"/admin/invitations/{inv_id}/resend")
    client.post(f"/admin/invitations/{inv_id}/revoke")
    assert len(outbox()) == 3
    db.session.expire_all()
    inv = db.session.get(Invitation, inv_id)
    assert inv.reminders_sent == 1 and inv.revoked_at is not None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "invitations.send",
        "invitations.remind",
        "invitations.resend",
        "invitations.revoke",
    } <= actions
    html = client.get(f"/admin/invitations/?policy={nsp.slug}").get_data(as_text=True)
    assert "invitee@example.org" in html and "(revoked)" in html


def test_the_token_page_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_INVITATION="3 per minute")
    client = app.test_client()
    codes = [client.get("/invitations/" + "y" * 43).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_labels_cost_one_query_per_page_whatever_the_number(client, runner, nsp):
    from consult.comments import services as comments
    from tests.factories import section_of
    from tests.helpers import count_queries

    section = f"/policies/{nsp.slug}/sections/national-cohesion"

    def invited_comments(n: int, start: int) -> None:
        for i in range(start, start + n):
            _invite(nsp, f"p{i}@example.org", body=f"Body {i}")
        _send(runner, nsp)
        for message in outbox()[-n:]:
            token = LINK.search(message.body).group(1)
            user = services.accept_invitation(token, f"Invited {token[:6]}", DEFAULT_PASSWORD, True)
            comments.post_comment(user, section_of(), f"Invited view {token[:6]}")
        db.session.commit()

    invited_comments(2, 0)
    with count_queries() as few:
        html = client.get(section).get_data(as_text=True)
    assert html.count("invited: Body") == 2
    invited_comments(8, 2)
    with count_queries() as many:
        html = client.get(section).get_data(as_text=True)
    assert html.count("invited: Body") == 10
    assert len(many) == len(few)
