"""Account services: registration rules, authentication, tokens, reset, export, deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.accounts import services
from consult.accounts.models import Participant, User
from consult.core.audit import AuditEntry
from consult.errors import Conflict, ValidationError
from consult.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user


def test_register_creates_account_and_undisclosed_participant(app):
    user = services.register_user(" Amna@Example.ORG ", "long enough pw", "Amna")
    db.session.commit()
    assert user.email == "amna@example.org"
    assert user.role == "citizen"
    assert user.password_hash != "long enough pw"
    p = user.participant
    assert (p.kind, p.display_name) == ("account", "Amna")
    assert (p.province, p.stakeholder_group, p.gender, p.age_band) == ("undisclosed",) * 4


def test_register_keeps_profile_and_rejects_unknown_codes(app):
    user = services.register_user(
        "b@example.org", "long enough pw", "B", profile={"province": "sindh", "gender": "woman"}
    )
    assert (user.participant.province, user.participant.gender) == ("sindh", "woman")
    with pytest.raises(ValidationError) as info:
        services.register_user("c@example.org", "long enough pw", "C", profile={"province": "x"})
    assert "province" in info.value.fields


@pytest.mark.parametrize(
    ("email", "password", "name", "field"),
    [
        ("not-an-email", "long enough pw", "A", "email"),
        ("a@example.org", "short", "A", "password"),
        ("a@example.org", "long enough pw", "   ", "display_name"),
        ("a@example.org", "long enough pw", "x" * 81, "display_name"),
    ],
)
def test_register_rejects_bad_input_and_writes_nothing(app, email, password, name, field):
    with pytest.raises(ValidationError) as info:
        services.register_user(email, password, name)
    assert field in info.value.fields
    db.session.rollback()
    assert db.session.scalars(select(User)).all() == []
    assert db.session.scalars(select(Participant)).all() == []


def test_register_refuses_duplicate_email_case_insensitively(app):
    make_user(email="dup@example.org")
    with pytest.raises(Conflict):
        services.register_user("DUP@example.org", "long enough pw", "Again")


def test_authenticate_same_result_for_unknown_email_and_wrong_password(app):
    make_user(email="known@example.org")
    db.session.commit()
    assert services.authenticate("known@example.org", DEFAULT_PASSWORD) is not None
    assert services.authenticate("known@example.org", "wrong password") is None
    assert services.authenticate("unknown@example.org", DEFAULT_PASSWORD) is None
    assert services.authenticate("not an email", DEFAULT_PASSWORD) is None


def test_tokens_are_stored_hashed_resolve_and_revoke(app):
    user = make_user()
    new = services.create_api_token(user, "script")
    db.session.commit()
    assert new.plaintext.startswith("cst_")
    assert new.token.token_hash != new.plaintext and new.plaintext not in new.token.token_hash
    assert services.user_for_token(new.plaintext) == user
    assert services.user_for_token(new.plaintext + "x") is None
    assert services.user_for_token("garbage") is None
    services.revoke_api_token(user, new.token.id)
    db.session.commit()
    assert services.user_for_token(new.plaintext) is None


def test_cannot_revoke_someone_elses_token(app):
    owner, other = make_user(), make_user()
    new = services.create_api_token(owner, "mine")
    with pytest.raises(Exception, match="No such token"):
        services.revoke_api_token(other, new.token.id)


def test_reset_token_works_once_and_not_after_expiry(app):
    user = make_user(email="r@example.org")
    db.session.commit()
    token = services.request_password_reset("r@example.org")
    assert services.request_password_reset("nobody@example.org") is None
    services.reset_password(token, "a brand new password")
    db.session.commit()
    assert services.authenticate("r@example.org", "a brand new password") == user
    with pytest.raises(ValidationError):  # used: the password fingerprint changed
        services.reset_password(token, "yet another password")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    fresh = services.make_reset_token(user)
    with pytest.raises(ValidationError):
        services.reset_password(fresh, "yet another password")


def test_export_contains_profile_and_tokens_but_no_token_secret(app):
    user = make_user(email="x@example.org", province="punjab")
    new = services.create_api_token(user, "analysis")
    data = services.export_user_data(user)
    assert data["account"]["email"] == "x@example.org"
    assert data["profile"]["province"] == "punjab"
    assert data["api_tokens"][0]["name"] == "analysis"
    assert new.plaintext not in str(data) and new.token.token_hash not in str(data)


def test_delete_account_removes_identity_keeps_participant_and_logs(app):
    user = make_user(email="gone@example.org", name="Real Name", province="sindh")
    new = services.create_api_token(user, "t")
    db.session.commit()
    with pytest.raises(ValidationError):
        services.delete_account(user, "wrong password")
    services.delete_account(user, DEFAULT_PASSWORD)
    db.session.commit()
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email is None and user.password_hash is None and not user.is_active
    assert user.participant.display_name == services.DELETED_NAME
    assert user.participant.province == "sindh"  # aggregated figures stay stable
    assert services.authenticate("gone@example.org", DEFAULT_PASSWORD) is None
    assert services.user_for_token(new.plaintext) is None
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "account.delete" in actions
    # The address can be used again for a new account.
    services.register_user("gone@example.org", "long enough pw", "New")


def test_role_change_is_audited(app):
    user = make_user()
    services.set_role(user, "moderator", actor_id=None)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.role")).one()
    assert entry.target_id == str(user.id) and '"to": "moderator"' in entry.data
