"""Account pages through the test client: what a person sees and where they land."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from consult.accounts.models import ApiToken, User
from consult.core.mail import outbox
from consult.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import assert_redirect

REGISTER = {
    "email": "new@example.org",
    "display_name": "New Person",
    "password": "a good password",
    "confirm": "a good password",
    "province": "balochistan",
    "stakeholder_group": "student",
    "gender": "undisclosed",
    "age_band": "18-24",
}


def test_register_mails_a_link_that_confirms_and_logs_in(client):
    response = client.post("/auth/register", data=REGISTER)
    assert_redirect(response, "/auth/register/sent")
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.participant.province == "balochistan" and user.confirmed_at is None
    assert "Check your email" in client.get("/auth/register/sent").get_data(as_text=True)
    assert "Your account" not in client.get("/").get_data(as_text=True)
    [mail] = outbox()
    assert mail.to == "new@example.org" and mail.subject == "Confirm your Consult account"
    path = re.search(r"http://127\.0\.0\.1:5000(/auth/confirm/\S+)", mail.body).group(1)
    page = client.get(path)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "Confirm my account" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.confirmed_at is None
    confirmed = client.post(path)
    assert_redirect(confirmed, "/")
    assert "Your account" in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.confirmed_at is not None


def test_register_errors_keep_what_was_typed(client):
    response = client.post("/auth/register", data={**REGISTER, "confirm": "different"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The passwords differ." in html
    assert 'value="new@example.org"' in html and 'value="New Person"' in html
    assert '<option selected value="balochistan">' in html
    assert db.session.scalars(select(User)).all() == []


def test_login_wrong_password_and_unknown_email_look_the_same(client):
    make_user(email="known@example.org")
    db.session.commit()
    wrong = client.post("/auth/login", data={"email": "known@example.org", "password": "nope!"})
    unknown = client.post("/auth/login", data={"email": "who@example.org", "password": "nope!"})
    assert wrong.status_code == unknown.status_code == 422

    def body(r):
        return re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))

    assert body(wrong) == body(unknown)
    assert "Email or password is not right." in body(wrong)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/policies/nsp-2022-2026", "/policies/nsp-2022-2026"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_next_only_goes_to_local_paths(client, next_url, expected):
    make_user(email="n@example.org")
    db.session.commit()
    response = client.post(
        "/auth/login",
        data={"email": "n@example.org", "password": DEFAULT_PASSWORD, "next": next_url},
    )
    assert_redirect(response, expected)


def test_login_page_carries_next_from_query(client):
    html = client.get("/auth/login?next=/account").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in html


def test_logout_is_a_post(client, login_as):
    login_as()
    assert client.get("/auth/logout").status_code == 200  # a confirmation page, no logout
    assert client.get("/account").status_code == 200
    response = client.post("/auth/logout")
    assert_redirect(response, "/")
    assert client.get("/account").headers["Location"] == "/auth/login?next=%2Faccount"


def test_password_reset_flow_by_email(client):
    make_user(email="forgot@example.org")
    db.session.commit()
    response = client.post("/auth/reset", data={"email": "forgot@example.org"})
    assert response.status_code in (302, 303)
    unknown = client.post("/auth/reset", data={"email": "nobody@example.org"})
    assert unknown.status_code in (302, 303)  # same answer either way
    assert len(outbox()) == 1 and outbox()[0].to == "forgot@example.org"
    link = re.search(r"http://127\.0\.0\.1:5000(/auth/reset/\S+)", outbox()[0].body).group(1)
    bad = client.post(link, data={"password": "new password 1", "confirm": "nope"})
    assert bad.status_code == 422
    ok = client.post(link, data={"password": "new password 1", "confirm": "new password 1"})
    assert_redirect(ok, "/auth/login")
    again = client.post(link, data={"password": "new password 2", "confirm": "new password 2"})
    assert again.status_code == 422 and "invalid or has expired" in again.get_data(as_text=True)
    login = client.post(
        "/auth/login", data={"email": "forgot@example.org", "password": "new password 1"}
    )
    assert login.status_code in (302, 303)


def test_account_page_requires_login(client):
    response = client.get("/account")
    assert_redirect(response, "/auth/login?next=%2Faccount")


def test_profile_edit(client, login_as):
    user = login_as()
    response = client.post(
        "/account/profile",
        data={
            "display_name": "Renamed",
            "province": "punjab",
            "stakeholder_group": "academic",
            "gender": "man",
            "age_band": "35-49",
        },
    )
    assert response.status_code in (302, 303)
    db.session.refresh(user.participant)
    assert (user.participant.display_name, user.participant.province) == ("Renamed", "punjab")


def test_token_shown_once_listed_and_revoked(client, login_as):
    login_as()
    response = client.post("/account/tokens", data={"name": "my script"})
    html = response.get_data(as_text=True)
    token = re.search(r'value="(cst_[^"]+)"', html).group(1)
    page = client.get("/account").get_data(as_text=True)
    assert "my script" in page and token not in page and token[:10] in page
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    row = db.session.scalar(select(ApiToken))
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code in (302, 303)
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_download_my_data(client, login_as):
    login_as(email="mine@example.org")
    response = client.get("/account/data")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(response.data)["account"]["email"] == "mine@example.org"


def test_delete_account_logs_out(client, login_as):
    login_as(email="bye@example.org")
    refused = client.post("/account/delete", data={"password": "wrong", "confirm": "y"})
    assert refused.status_code == 422
    response = client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert response.status_code in (302, 303)
    assert client.get("/account").status_code in (302, 303)
    assert db.session.scalar(select(User.email).where(User.email == "bye@example.org")) is None


def test_forms_need_csrf_when_enabled(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/auth/register", data=REGISTER)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def _post_many(client, url, data, times):
    return [client.post(url, data=data).status_code for _ in range(times)]


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    codes = _post_many(
        app.test_client(), "/auth/login", {"email": "a@example.org", "password": "x"}, 5
    )
    assert codes == [422, 422, 422, 429, 429]


def test_register_and_reset_are_rate_limited(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_REGISTER="2 per minute", RATELIMIT_RESET="2 per minute"
    )
    client = app.test_client()
    bad = {**REGISTER, "confirm": "different"}
    assert _post_many(client, "/auth/register", bad, 3) == [422, 422, 429]
    assert _post_many(client, "/auth/reset", {"email": "a@example.org"}, 3) == [302, 302, 429]


def test_cli_create_user_and_token(runner, app):
    result = runner.invoke(
        args=[
            "consult",
            "create-user",
            "--email",
            "mod@example.org",
            "--password",
            "moderator pass",
            "--role",
            "moderator",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "mod@example.org"))
    assert user.role == "moderator"
    result = runner.invoke(args=["consult", "create-token", "--email", "mod@example.org"])
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cst_")
    assert app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    ).json == {"display_name": "mod", "role": "moderator"}
    dup = runner.invoke(
        args=[
            "consult",
            "create-user",
            "--email",
            "mod@example.org",
            "--password",
            "moderator pass",
        ]
    )
    assert dup.exit_code != 0 and "already exists" in dup.output


def test_cli_demo_accounts_idempotent(runner, app):
    first = runner.invoke(args=["consult", "demo-accounts"])
    second = runner.invoke(args=["consult", "demo-accounts"])
    assert first.exit_code == second.exit_code == 0
    assert "admin@example.org" in second.output and "admin-demo-2026" in second.output
    assert len(db.session.scalars(select(User)).all()) == 4
