"""/admin/users: administrators change roles and lift login limits, on the record."""

from __future__ import annotations

import json

from sqlalchemy import select

from consult.core.audit import AuditEntry
from consult.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import assert_redirect


def test_people_list_searches_by_email_and_name(client, login_as):
    login_as("admin", email="boss@example.org")
    make_user(email="zainab@example.org", name="Zainab Qureshi")
    make_user(email="other@example.org", name="Someone Else")
    db.session.commit()
    html = client.get("/admin/users/?q=zain").get_data(as_text=True)
    assert "Zainab Qureshi" in html and "Someone Else" not in html
    assert "zainab@example.org" in html
    by_name = client.get("/admin/users/?q=ELSE").get_data(as_text=True)
    assert "other@example.org" in by_name and "zainab@example.org" not in by_name
    wildcard = client.get("/admin/users/?q=%25").get_data(as_text=True)
    assert "No account matches." in wildcard  # a literal %, not a wildcard
    assert client.get("/admin/users/?role=emperor").status_code == 422


def test_role_change_is_audited_and_ends_the_accounts_sessions(app, client, login_as):
    admin = login_as("admin")
    target = make_user(email="promote@example.org")
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/auth/login", data={"email": "promote@example.org", "password": DEFAULT_PASSWORD})
    assert theirs.get("/account").status_code == 200
    response = client.post(
        f"/admin/users/{target.id}/role?q=promote", data={f"u{target.id}-role": "moderator"}
    )
    assert_redirect(response, "/admin/users/?q=promote")
    db.session.refresh(target)
    assert target.role == "moderator"
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "account.role", AuditEntry.target_id == str(target.id)
        )
    )
    assert entry.actor_id == admin.id and json.loads(entry.data) == {
        "from": "citizen",
        "to": "moderator",
    }
    assert theirs.get("/account").status_code in (302, 303)  # signed out by the change


def test_the_last_administrator_keeps_the_role(client, login_as):
    admin = login_as("admin")
    response = client.post(
        f"/admin/users/{admin.id}/role",
        data={f"u{admin.id}-role": "citizen"},
        follow_redirects=True,
    )
    assert "This is the only administrator." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_lifting_login_limits_lets_a_new_device_in(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="50 per minute",
        RATELIMIT_LOGIN_ACCOUNT="3 per hour",
        RATELIMIT_LOGIN_SLOW="1 per 30 seconds",
    )
    with app.app_context():
        victim = make_user(email="victim@example.org")
        make_user(email="boss@example.org", role="admin")
        db.session.commit()
        victim_id = victim.id
    attacker = app.test_client()
    for _ in range(5):
        attacker.post("/auth/login", data={"email": "victim@example.org", "password": "guess"})
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    login = {"email": "victim@example.org", "password": DEFAULT_PASSWORD}
    assert stranger.post("/auth/login", data=login).status_code == 429
    admin = app.test_client()
    admin.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    admin.post("/auth/login", data={"email": "boss@example.org", "password": DEFAULT_PASSWORD})
    assert admin.post(f"/admin/users/{victim_id}/login-limits").status_code in (302, 303)
    assert stranger.post("/auth/login", data=login).status_code in (302, 303)
    with app.app_context():
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "account.login_limits_cleared")
        )
        assert entry.target_id == str(victim_id) and json.loads(entry.data) == {"via": "admin"}


def test_people_page_is_for_admins_only(client, login_as):
    assert client.get("/admin/users/").status_code in (302, 303)
    login_as("moderator")
    assert client.get("/admin/users/").status_code == 403
    assert 'href="/admin/users/"' not in client.get("/").get_data(as_text=True)


def test_admin_sees_the_people_link(client, login_as):
    login_as("admin")
    assert 'href="/admin/users/"' in client.get("/").get_data(as_text=True)
