"""Attacks from the outside probe (docs/security.md): each test does what the probe did.

F1 reset links from the Host header, F2 sessions that outlive logout, F4 lock-out by
login flood, F6 registration that tells who has an account, F9 look-alike identities.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.accounts import services
from consult.accounts.models import User
from consult.core.mail import outbox
from consult.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

BASE = "http://127.0.0.1:5000"


def _link(body: str, path: str) -> str:
    match = re.search(rf"(https?://[^/\s]+)({path}/\S+)", body)
    assert match, body
    return match.group(1), match.group(2)


# --- F1 ------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1:5000.evil"])
def test_reset_mail_link_ignores_a_forged_host_header(client, host):
    make_user(email="victim@example.org")
    db.session.commit()
    page = client.get("/auth/reset", headers={"Host": host})
    assert page.status_code == 200
    response = client.post(
        "/auth/reset", data={"email": "victim@example.org"}, headers={"Host": host}
    )
    assert response.status_code in (302, 303)
    [mail] = outbox()
    origin, path = _link(mail.body, "/auth/reset")
    assert origin == BASE and "evil" not in mail.body
    # X-Forwarded-Host is not believed either (no trusted proxy by default).
    client.post(
        "/auth/reset",
        data={"email": "victim@example.org"},
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    )
    assert _link(outbox()[1].body, "/auth/reset")[0] == BASE


def test_links_follow_the_configured_origin(make_app):
    app = make_app(PUBLIC_BASE_URL="https://consult.gov.example/")
    client = app.test_client()
    with app.app_context():
        make_user(email="victim@example.org")
        db.session.commit()
    client.post("/auth/reset", data={"email": "victim@example.org"}, headers={"Host": "evil"})
    with app.app_context():
        assert _link(outbox()[0].body, "/auth/reset")[0] == "https://consult.gov.example"


# --- F2 ------------------------------------------------------------------------------


def _login(client, email: str, password: str = DEFAULT_PASSWORD, remember: bool = False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return response


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_session_cookie_replayed_after_logout_is_refused(client):
    make_user(email="s@example.org")
    db.session.commit()
    _login(client, "s@example.org")
    stolen = client.get_cookie("session").value
    client.post("/auth/logout")
    assert not _signed_in(client)
    client.set_cookie("session", stolen)
    assert not _signed_in(client)


def _remember_only(app, token: str):
    """A fresh browser elsewhere holding only the stolen remember-me cookie."""
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    other.set_cookie("remember_token", token)
    return other


def test_remember_cookie_dies_on_logout(app, client):
    make_user(email="r@example.org")
    db.session.commit()
    _login(client, "r@example.org", remember=True)
    token = client.get_cookie("remember_token").value
    assert _signed_in(_remember_only(app, token))
    client.post("/auth/logout")
    assert not _signed_in(_remember_only(app, token))


def test_remember_cookie_is_new_after_each_logout(app, client):
    make_user(email="r2@example.org")
    db.session.commit()
    _login(client, "r2@example.org", remember=True)
    first = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    _login(client, "r2@example.org", remember=True)
    assert client.get_cookie("remember_token").value != first


def test_password_change_ends_every_other_session_and_says_so(app, client):
    make_user(email="p@example.org")
    db.session.commit()
    _login(client, "p@example.org", remember=True)
    token = client.get_cookie("remember_token").value
    laptop = app.test_client()
    _login(laptop, "p@example.org")
    response = client.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a brand new password",
            "confirm": "a brand new password",
        },
        follow_redirects=True,
    )
    assert "Every other session of your account has been signed out." in response.get_data(
        as_text=True
    )
    assert _signed_in(client)  # this session goes on
    assert not _signed_in(laptop)
    assert not _signed_in(_remember_only(app, token))


def test_password_reset_ends_sessions(app, client):
    user = make_user(email="reset@example.org")
    db.session.commit()
    _login(client, "reset@example.org", remember=True)
    token = client.get_cookie("remember_token").value
    reset_token = services.make_reset_token(user)
    fresh = app.test_client()
    ok = fresh.post(
        f"/auth/reset/{reset_token}",
        data={"password": "another password", "confirm": "another password"},
    )
    assert ok.status_code in (302, 303)
    assert not _signed_in(client)
    assert not _signed_in(_remember_only(app, token))


def test_role_change_ends_sessions(app, client):
    user = make_user(email="role@example.org", role="moderator")
    db.session.commit()
    _login(client, "role@example.org")
    services.set_role(user, "citizen")
    db.session.commit()
    assert not _signed_in(client)


def test_cookie_without_a_version_is_refused(app, client):
    """Sessions from before session versions (plain user id) must log in again."""
    user = make_user(email="old@example.org")
    db.session.commit()
    assert services.load_session_user(str(user.id)) is None
    assert services.load_session_user(f"{user.id}:{user.session_version}") == user
    assert services.load_session_user(f"{user.id}:{user.session_version + 1}") is None
    assert services.load_session_user("99999999999999999999:1") is None


# --- F4 ------------------------------------------------------------------------------


def _attempt(client, email: str, password: str, addr: str) -> int:
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    ).status_code


def test_a_login_flood_from_one_address_does_not_lock_out_the_owner(make_app):
    """The probe: 30 wrong passwords, then the right one from two other addresses."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        make_user(email="mod@example.org", role="moderator")
        db.session.commit()
    attacker = app.test_client()
    codes = [_attempt(attacker, "mod@example.org", "guess", "198.51.100.66") for _ in range(30)]
    assert codes[:10] == [422] * 10 and set(codes[10:]) == {429}
    for addr in ("203.0.113.1", "203.0.113.2"):
        assert _attempt(app.test_client(), "mod@example.org", DEFAULT_PASSWORD, addr) == 302


def test_a_distributed_flood_slows_unknown_devices_only(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="5 per minute",
        RATELIMIT_LOGIN_ACCOUNT="10 per hour",
        RATELIMIT_LOGIN_SLOW="1 per 30 seconds",
    )
    with app.app_context():
        make_user(email="mod@example.org", role="moderator")
        db.session.commit()
    own_device = app.test_client()
    assert _attempt(own_device, "mod@example.org", DEFAULT_PASSWORD, "192.0.2.10") == 302
    own_device.post("/auth/logout")
    attacker = app.test_client()
    for n in range(4):
        for _ in range(5):
            _attempt(attacker, "mod@example.org", "guess", f"198.51.100.{n}")
    # Over the ceiling: one try per 30 seconds for devices that never logged in here,
    # which the attacker's last guesses have used up...
    stranger = app.test_client()
    refused = stranger.post(
        "/auth/login",
        data={"email": "mod@example.org", "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
    )
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 30
    assert "Try again in" in refused.get_data(as_text=True)
    # ...while the owner's own device gets straight in, from a new address too.
    assert _attempt(own_device, "mod@example.org", DEFAULT_PASSWORD, "192.0.2.11") == 302
    # An admin clears the lock; the stranger's device then gets in at once.
    result = app.test_cli_runner().invoke(
        args=["consult", "clear-login-limits", "--email", "mod@example.org"]
    )
    assert result.exit_code == 0, result.output
    assert _attempt(stranger, "mod@example.org", DEFAULT_PASSWORD, "192.0.2.99") == 302


def test_a_forged_device_cookie_is_not_trusted(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="50 per minute",
        RATELIMIT_LOGIN_ACCOUNT="3 per hour",
        RATELIMIT_LOGIN_SLOW="1 per 30 seconds",
    )
    with app.app_context():
        make_user(email="mod@example.org")
        db.session.commit()
    attacker = app.test_client()
    attacker.set_cookie("consult_device", "forged.value", path="/auth/")
    codes = [_attempt(attacker, "mod@example.org", "guess", "198.51.100.1") for _ in range(6)]
    assert codes[:3] == [422] * 3 and 429 in codes[3:]


# --- F6 ------------------------------------------------------------------------------

REGISTER = {
    "display_name": "Someone New",
    "password": "a good password",
    "confirm": "a good password",
    "province": "undisclosed",
    "stakeholder_group": "undisclosed",
    "gender": "undisclosed",
    "age_band": "undisclosed",
}


def _register(client, email: str, name: str = "Someone New"):
    return client.post("/auth/register", data={**REGISTER, "email": email, "display_name": name})


@pytest.mark.parametrize("variant", ["cit@example.org", "CIT@Example.ORG", "  cit@example.org  "])
def test_registration_answers_the_same_for_a_known_email(client, variant):
    make_user(email="cit@example.org")
    db.session.commit()
    known = _register(client, variant, "Known Variant")
    unknown = _register(client, "fresh@example.org", "Fresh Person")
    assert known.status_code == unknown.status_code in (302, 303)
    assert known.headers["Location"] == unknown.headers["Location"] == "/auth/register/sent"
    assert known.get_data() == unknown.get_data()
    warn, confirm = outbox()
    assert warn.to == "cit@example.org"
    assert warn.subject == "Someone tried to register with your email address"
    assert "/auth/confirm/" not in warn.body
    assert confirm.to == "fresh@example.org" and "/auth/confirm/" in confirm.body
    assert db.session.scalar(select(User).where(User.email == "cit@example.org")) is not None


def test_registering_does_not_reveal_the_account_through_login(client):
    """Sign up with an address, then log in with the typed password: same failure both ways."""
    make_user(email="taken@example.org")
    db.session.commit()
    _register(client, "taken@example.org", "Prober One")
    _register(client, "free@example.org", "Prober Two")
    taken = client.post(
        "/auth/login", data={"email": "taken@example.org", "password": "a good password"}
    )
    free = client.post(
        "/auth/login", data={"email": "free@example.org", "password": "a good password"}
    )
    assert taken.status_code == free.status_code == 422


def test_unconfirmed_account_cannot_post(app, nsp):
    from consult.comments import services as comments
    from consult.errors import PermissionDenied
    from tests.factories import section_of

    user = services.register_user(
        "u@example.org", "a good password", "Unconfirmed", confirmed=False
    )
    with pytest.raises(PermissionDenied, match="Confirm your email"):
        comments.post_comment(user, section_of(), "Hello")


def test_registering_again_unconfirmed_resends_the_link(client):
    _register(client, "again@example.org")
    _register(client, "again@example.org", "Other Name")
    assert [m.subject for m in outbox()] == ["Confirm your Consult account"] * 2


def test_confirmation_link_is_single_use_and_tamper_proof(client):
    _register(client, "once@example.org")
    _origin, path = _link(outbox()[0].body, "/auth/confirm")
    assert client.post(path + "x").status_code == 422
    assert client.post(path).status_code in (302, 303)
    client.post("/auth/logout")
    again = client.post(path)
    assert again.status_code == 422 and "invalid, used or expired" in again.get_data(as_text=True)


def test_cli_and_demo_accounts_are_confirmed(runner, app):
    runner.invoke(args=["consult", "demo-accounts"])
    assert all(u.confirmed_at is not None for u in db.session.scalars(select(User)))


# --- F9 ------------------------------------------------------------------------------


def test_lookalike_email_cannot_register_beside_the_real_one(client):
    make_user(email="cit@example.org")
    db.session.commit()
    _register(client, "c\u0456t@example.org", "Look Alike")  # Cyrillic і
    assert db.session.scalar(select(User).where(User.email == "c\u0456t@example.org")) is None
    assert outbox()[0].to == "cit@example.org"


def test_fullwidth_email_is_the_same_address(client):
    make_user(email="cit@example.org")
    db.session.commit()
    _register(client, "\uff43\uff49\uff54@example.org", "Wide Letters")  # ｃｉｔ
    assert len(db.session.scalars(select(User)).all()) == 1


@pytest.mark.parametrize(
    "copy",
    ["Ayesha Khan", "ayesha  khan", "Ayesha Kh\u0430n", "\u0410yesha Khan", "Former participant"],
)
def test_lookalike_display_name_is_refused_with_a_clear_message(client, copy):
    make_user(name="Ayesha Khan")
    db.session.commit()
    response = _register(client, "copy@example.org", copy)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That display name is taken, or looks like one that is." in html
    assert db.session.scalar(select(User).where(User.email == "copy@example.org")) is None


def test_profile_rename_to_a_lookalike_is_refused_but_own_name_kept(client, login_as):
    make_user(name="Bilal Ahmed")
    me = login_as(name="Sara Iqbal")
    profile = {
        "province": "punjab",
        "stakeholder_group": "student",
        "gender": "woman",
        "age_band": "18-24",
    }
    refused = client.post("/account/profile", data={**profile, "display_name": "Bilal Ahmеd"})
    assert refused.status_code == 422
    kept = client.post("/account/profile", data={**profile, "display_name": "sara iqbal"})
    assert kept.status_code in (302, 303)
    db.session.refresh(me.participant)
    assert me.participant.display_name == "sara iqbal"
