"""Moderation rules: actions and their effects, bulk all-or-nothing, bans, the threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.comments import services as comments
from consult.comments.models import Comment, Flag
from consult.core import audit
from consult.core.audit import AuditEntry
from consult.core.models import utcnow
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import ModerationAction
from consult.moderation.services import Selection
from tests.factories import make_comment, make_user, section_of
from tests.helpers import count_rows


@pytest.fixture
def moderator(app, nsp):
    return make_user(role="moderator")


def _flag(comment, n: int) -> None:
    for _ in range(n):
        comments.flag_comment(make_user(), comment, "abuse")


def test_two_flags_do_not_hide_the_third_does_in_its_own_transaction(app, nsp):
    comment = make_comment(body="Contested")
    _flag(comment, 2)
    db.session.commit()
    assert comment.status == "published" and count_rows(ModerationAction) == 0
    _flag(comment, 1)
    db.session.commit()
    assert (comment.status, comment.moderation_reason) == ("hidden", "flagged")
    action = db.session.scalar(select(ModerationAction))
    assert (action.action, action.actor_id, action.comment_id) == ("auto-hide", None, comment.id)
    assert db.session.scalar(
        select(AuditEntry.action).where(AuditEntry.action == "moderation.auto-hide")
    )


def test_a_failed_third_flag_hides_nothing(app, nsp):
    comment = make_comment()
    _flag(comment, 2)
    flagger = make_user()
    db.session.commit()
    comments.flag_comment(flagger, comment, "spam")
    assert comment.status == "hidden"
    db.session.rollback()  # the edge rolls back: flag and hide go together
    assert db.session.get(Comment, comment.id).status == "published"
    assert count_rows(Flag) == 2 and count_rows(ModerationAction) == 0


def test_threshold_is_configurable(make_app):
    app = make_app(MODERATION_FLAG_THRESHOLD=1)
    with app.app_context():
        from consult.policy.loader import read_policy_file
        from consult.policy.services import load_policy
        from tests.conftest import NSP_FILE

        load_policy(read_policy_file(NSP_FILE))
        comment = make_comment()
        _flag(comment, 1)
        assert comment.status == "hidden"


def test_hide_needs_a_reason_and_keeps_replies(app, moderator):
    comment = make_comment(body="Rude")
    reply = make_comment(body="A reply", parent_id=comment.id)
    with pytest.raises(ValidationError, match="Give a reason"):
        services.act_on_comments(moderator, [Selection(comment.id)], "hide")
    services.act_on_comments(moderator, [Selection(comment.id)], "hide", "abuse", "repeat offender")
    assert (comment.status, comment.moderation_reason) == ("hidden", "abuse")
    assert reply.status == "published"
    action = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "hide"))
    assert (action.reason, action.note, action.actor_id) == (
        "abuse",
        "repeat offender",
        moderator.id,
    )


def test_hide_then_restore(app, moderator):
    comment = make_comment()
    services.act_on_comments(moderator, [Selection(comment.id)], "hide", "spam")
    services.act_on_comments(moderator, [Selection(comment.id)], "restore")
    assert (comment.status, comment.moderation_reason) == ("published", None)


def test_pre_moderation_approve_and_reject(app, nsp, moderator):
    nsp.moderation = "pre"
    first, second = make_comment(body="One"), make_comment(body="Two")
    assert first.status == second.status == "pending"
    services.act_on_comments(moderator, [Selection(first.id)], "approve")
    with pytest.raises(ValidationError):
        services.act_on_comments(moderator, [Selection(second.id)], "reject")
    services.act_on_comments(moderator, [Selection(second.id)], "reject", "off-topic")
    assert (first.status, second.status, second.moderation_reason) == (
        "published",
        "rejected",
        "off-topic",
    )


def test_dismissing_the_reports_behind_an_auto_hide_puts_it_back(app, moderator):
    comment = make_comment()
    _flag(comment, 3)
    assert comment.status == "hidden"
    services.act_on_comments(moderator, [Selection(comment.id)], "dismiss-flags")
    assert comment.status == "published"
    assert db.session.scalars(select(Flag.resolution)).all() == ["dismiss-flags"] * 3


def test_bulk_is_all_or_nothing(app, moderator):
    a, b = make_comment(body="A"), make_comment(body="B")
    db.session.commit()
    with pytest.raises(NotFound):
        services.act_on_comments(
            moderator, [Selection(a.id), Selection(b.id), Selection(999999)], "hide", "spam"
        )
    db.session.rollback()
    assert {c.status for c in db.session.scalars(select(Comment))} == {"published"}
    assert count_rows(ModerationAction) == 0
    services.act_on_comments(moderator, [Selection(a.id)], "hide", "spam")
    db.session.commit()
    with pytest.raises(Conflict):  # a is hidden already: hiding both does nothing
        services.act_on_comments(moderator, [Selection(b.id), Selection(a.id)], "hide", "spam")
    db.session.rollback()
    assert db.session.get(Comment, b.id).status == "published"


def test_a_stale_token_changes_nothing(app, moderator):
    comment = make_comment()
    token = services.state_token(comment, 0)
    comments.flag_comment(make_user(), comment, "spam")  # someone reports it meanwhile
    db.session.commit()
    with pytest.raises(Conflict, match="changed since you loaded the queue"):
        services.act_on_comments(moderator, [Selection(comment.id, token)], "hide", "spam")
    db.session.rollback()
    assert db.session.get(Comment, comment.id).status == "published"


def test_unknown_action_and_reason(app, moderator):
    comment = make_comment()
    with pytest.raises(ValidationError):
        services.act_on_comments(moderator, [Selection(comment.id)], "delete")
    with pytest.raises(ValidationError):
        services.act_on_comments(moderator, [Selection(comment.id)], "hide", "i-dislike-it")
    assert count_rows(ModerationAction) == 0


def test_nobody_moderates_their_own_comment_and_citizens_not_at_all(app, moderator):
    own = make_comment(user=moderator)
    with pytest.raises(PermissionDenied, match="your own comment"):
        services.act_on_comments(moderator, [Selection(own.id)], "hide", "spam")
    with pytest.raises(PermissionDenied):
        services.act_on_comments(make_user(), [Selection(own.id)], "hide", "spam")


def test_ban_until_a_date_then_free_again(app, moderator):
    citizen = make_user()
    comment = make_comment()
    with pytest.raises(ValidationError, match="future"):
        services.ban_account(moderator, citizen, "abuse", utcnow() - timedelta(days=1), None)
    with pytest.raises(ValidationError):
        services.ban_account(moderator, citizen, None, None, None)
    version = citizen.session_version
    services.ban_account(moderator, citizen, "abuse", utcnow() + timedelta(days=7), "third time")
    assert citizen.is_banned and citizen.session_version == version + 1
    for attempt in (
        lambda: comments.post_comment(citizen, section_of(), "Hello"),
        lambda: comments.endorse_comment(citizen, comment, "agree"),
        lambda: comments.flag_comment(citizen, comment, "spam"),
    ):
        with pytest.raises(PermissionDenied, match="suspended"):
            attempt()
    citizen.banned_until = utcnow() - timedelta(seconds=1)  # the end date has passed
    assert not citizen.is_banned
    assert comments.post_comment(citizen, section_of(), "Back again").created


def test_ban_without_end_and_unban(app, moderator):
    citizen = make_user()
    services.ban_account(moderator, citizen, "spam", None, None)
    assert citizen.is_banned and citizen.banned_until is None
    services.unban_account(moderator, citizen)
    assert not citizen.is_banned
    with pytest.raises(Conflict):
        services.unban_account(moderator, citizen)


def test_only_admins_suspend_staff_and_nobody_themselves(app, moderator):
    other_moderator = make_user(role="moderator")
    with pytest.raises(PermissionDenied, match="administrator"):
        services.ban_account(moderator, other_moderator, "abuse", None, None)
    with pytest.raises(PermissionDenied, match="your own"):
        services.ban_account(moderator, moderator, "abuse", None, None)
    admin = make_user(role="admin")
    services.ban_account(admin, other_moderator, "abuse", None, None)
    assert other_moderator.is_banned


def test_the_audit_chain_verifies_after_a_mixed_run(app, moderator):
    a, b = make_comment(), make_comment()
    _flag(a, 3)
    services.act_on_comments(moderator, [Selection(a.id)], "dismiss-flags")
    services.act_on_comments(moderator, [Selection(a.id), Selection(b.id)], "hide", "spam")
    services.ban_account(moderator, make_user(), "abuse", None, "note")
    db.session.commit()
    assert audit.verify_chain().ok
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hide"))
    entry.data = entry.data.replace("spam", "abuse")
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_id == entry.id
