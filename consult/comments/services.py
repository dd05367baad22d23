"""Comment rules: posting, replying, editing, withdrawing, endorsing, flagging."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import Participant, User
from consult.comments import hooks, permissions
from consult.comments.models import MAX_BODY, Comment, CommentRevision, Endorsement, Flag
from consult.core.models import utcnow
from consult.core.sanitize import render_markdown
from consult.core.vocab import CHANNELS, FLAG_REASONS, STANCES
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from consult.policy import hooks as policy_hooks
from consult.policy.models import Objective, Policy, Section

MAX_NOTE = 500
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=1)
WILSON_Z = 1.96


def wilson_lower_bound(agree: int, disagree: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of agrees.

    Ranks by how sure we are that people agree, so 5 of 5 does not beat 90 of 100.
    """
    n = agree + disagree
    if n == 0:
        return 0.0
    p = agree / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - margin) / (1 + z2 / n)


def clean_body(body: Any, field: str = "body") -> str:
    """Check a comment body: text, 1 to 5,000 characters, no NUL or undecodable bytes."""
    if not isinstance(body, str):
        raise ValidationError(_("Write your comment as text."), {field: _("Must be text.")})
    if "\x00" in body or "\ufffd" in body:
        raise ValidationError(
            _("The comment contains characters that cannot be stored."),
            {field: _("Remove the invalid characters and try again.")},
        )
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError(_("Write a comment first."), {field: _("The comment is empty.")})
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("The comment is too long."),
            {field: _("Use at most %(max)d characters (now %(n)d).", max=MAX_BODY, n=len(body))},
        )
    return body


def clean_stance(stance: Any) -> str | None:
    """Check a stance: one of the vocabulary, or none."""
    if stance in (None, ""):
        return None
    if stance not in STANCES:
        raise ValidationError(
            _("Choose a stance from the list."), {"stance": _("Not a valid stance.")}
        )
    return stance


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _participant_of(user: User) -> int:
    """The participant acting, once `permissions` agrees they may contribute at all."""
    refusal = permissions.contributor_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)
    return user.participant_id


def _new_comment_id() -> Any:
    """The id of a new top-level comment, known in its own INSERT so `root_id = id` is too.

    PostgreSQL hands out the next value of the id sequence. SQLite serialises writers and
    evaluates the subquery inside the INSERT, so the id and root_id are the same number.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(text("SELECT nextval(pg_get_serial_sequence('comments', 'id'))"))
    return select(func.coalesce(func.max(Comment.id), 0) + 1).scalar_subquery()


@dataclass(frozen=True)
class PostResult:
    comment: Comment
    created: bool


def post_comment(
    user: User,
    section: Section,
    body: Any,
    objective_key: str | None = None,
    parent_id: int | None = None,
    stance: Any = None,
    channel: str = "online",
    hearing_id: int | None = None,
) -> PostResult:
    """Post a comment or reply; the same body again within a minute returns the first one."""
    policy: Policy = section.policy
    refusal = permissions.post_refusal(user, policy, section)
    if refusal:
        raise PermissionDenied(refusal)
    return _post(
        user.participant_id, section, body, objective_key, parent_id, stance, channel, hearing_id
    )


def post_attendee_comment(
    participant: Participant,
    section: Section,
    body: Any,
    objective_key: str | None = None,
    parent_id: int | None = None,
    stance: Any = None,
    channel: str = "hearing",
    hearing_id: int | None = None,
    *,
    dedupe: bool = True,
) -> PostResult:
    """Post for a hearing attendee, who has no account to check.

    The hearings domain has already decided that this attendee may post here now (the
    hearing is open, the section is in its scope, the facilitator entered the form); the
    consultation itself must still be taking comments. `dedupe=False` skips the
    one-minute double-submit check: a paper form may say "Agreed." on two objectives, and
    its repeats are caught by the form's idempotency key instead.
    """
    if participant.kind != "attendee" or participant.user is not None:
        raise PermissionDenied(_("Only hearing attendees post without an account."))
    if hearing_id is None or channel not in ("hearing", "paper"):
        raise ValidationError(
            _("An attendee's comment comes from a hearing."), {"channel": _("Not valid.")}
        )
    refusal = permissions.feedback_refusal(section.policy, section)
    if refusal:
        raise PermissionDenied(refusal)
    return _post(
        participant.id,
        section,
        body,
        objective_key,
        parent_id,
        stance,
        channel,
        hearing_id,
        dedupe=dedupe,
    )


def _post(
    participant_id: int,
    section: Section,
    body: Any,
    objective_key: str | None,
    parent_id: int | None,
    stance: Any,
    channel: str,
    hearing_id: int | None,
    *,
    dedupe: bool = True,
) -> PostResult:
    policy: Policy = section.policy
    if channel not in CHANNELS:
        raise ValidationError(_("Unknown channel."), {"channel": _("Not a valid channel.")})
    body = clean_body(body)
    stance = clean_stance(stance)

    objective: Objective | None = None
    if objective_key:
        objective = db.session.scalar(
            select(Objective).where(
                Objective.section_id == section.id,
                Objective.key == objective_key,
                Objective.retired_at.is_(None),
            )
        )
        if objective is None:
            raise ValidationError(
                _("That objective is not part of this section."),
                {"objective": _("Unknown objective %(key)s.", key=str(objective_key)[:20])},
            )

    parent: Comment | None = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id) if isinstance(parent_id, int) else None
        if parent is None or parent.section_id != section.id:
            raise ValidationError(
                _("You can only reply to a comment in this section."),
                {"parent_id": _("No such comment in this section.")},
            )
        if parent.status != "published":
            raise ValidationError(
                _("That comment can no longer be replied to."),
                {"parent_id": _("The comment was withdrawn, hidden or is awaiting moderation.")},
            )
        if objective is not None and objective.id != parent.objective_id:
            raise ValidationError(
                _("A reply is about the same objective as its comment."),
                {"objective": _("Leave the objective empty when replying.")},
            )
        objective_id = parent.objective_id
    else:
        objective_id = objective.id if objective else None

    digest = _digest(body)
    recent = dedupe and db.session.scalar(
        select(Comment)
        .where(
            Comment.participant_id == participant_id,
            Comment.section_id == section.id,
            Comment.body_hash == digest,
            Comment.parent_id.is_(None) if parent is None else Comment.parent_id == parent.id,
            Comment.created_at >= utcnow() - DOUBLE_SUBMIT_WINDOW,
        )
        .limit(1)
    )
    if recent:
        return PostResult(recent, created=False)

    new_id = None if parent else _new_comment_id()
    comment = Comment(
        id=new_id,
        root_id=parent.root_id if parent else new_id,
        policy_id=policy.id,
        section_id=section.id,
        objective_id=objective_id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        participant_id=participant_id,
        channel=channel,
        stream=policy_hooks.resolve_stream(participant_id, policy.id),
        hearing_id=hearing_id,
        stance=stance,
        body=body,
        body_html=render_markdown(body),
        body_hash=digest,
        status="pending" if policy.moderation == "pre" else "published",
    )
    db.session.add(comment)
    db.session.flush()
    hooks.comment_added(comment)  # e.g. spam heuristics and campaign grouping
    return PostResult(comment, created=True)


def edit_comment(user: User, comment: Comment, body: Any, stance: Any = ...) -> Comment:
    """Change one's own comment; the earlier text is kept as a revision."""
    if not permissions.is_author(user, comment):
        raise PermissionDenied(_("Only its author can edit a comment."))
    if not permissions.can_edit(user, comment, comment.section.policy):
        raise PermissionDenied(_("This comment can no longer be edited."))
    return _apply_edit(comment, body, stance)


def edit_attendee_comment(comment: Comment, body: Any, stance: Any = ...) -> Comment:
    """Correct a hearing attendee's comment as typed up from paper, keeping a revision.

    For the facilitator who entered a paper form and found a typing mistake: the hearings
    domain has already decided that this person may correct this form (it manages the
    hearing, the comment is the form's). Only attendee comments from a hearing qualify;
    the consultation must still be taking comments, as for an author's own edit.
    """
    if comment.participant.kind != "attendee" or comment.hearing_id is None:
        raise PermissionDenied(_("Only a hearing attendee's comment is corrected this way."))
    if comment.status not in ("published", "pending"):
        raise PermissionDenied(_("This comment can no longer be edited."))
    refusal = permissions.feedback_refusal(comment.section.policy, comment.section)
    if refusal:
        raise PermissionDenied(refusal)
    return _apply_edit(comment, body, stance)


def withdraw_attendee_comment(comment: Comment) -> Comment:
    """Withdraw a hearing attendee's comment on a correction that empties its box.

    As `edit_attendee_comment`, the hearings domain has authorized the correction; the
    text stays in the record (status `withdrawn`), replies stay in place.
    """
    if comment.participant.kind != "attendee" or comment.hearing_id is None:
        raise PermissionDenied(_("Only a hearing attendee's comment is corrected this way."))
    if comment.status in ("published", "pending"):
        comment.status = "withdrawn"
        comment.withdrawn_at = utcnow()
        db.session.flush()
    return comment


def _apply_edit(comment: Comment, body: Any, stance: Any) -> Comment:
    body = clean_body(body)
    new_stance = comment.stance if stance is ... else clean_stance(stance)
    if body == comment.body and new_stance == comment.stance:
        return comment
    latest = db.session.scalar(
        select(func.max(CommentRevision.version)).where(CommentRevision.comment_id == comment.id)
    )
    db.session.add(
        CommentRevision(
            comment_id=comment.id,
            version=(latest or 0) + 1,
            body=comment.body,
            body_html=comment.body_html,
            stance=comment.stance,
        )
    )
    previous_body = comment.body
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.body_hash = _digest(body)
    comment.stance = new_stance
    comment.edited_at = utcnow()
    db.session.flush()
    if body != previous_body:
        hooks.comment_edited(comment, previous_body)  # e.g. spam heuristics, in this transaction
    return comment


def withdraw_comment(user: User, comment: Comment) -> Comment:
    """Take one's comment back: its text stops showing, replies stay in place."""
    if not permissions.is_author(user, comment):
        raise PermissionDenied(_("Only its author can withdraw a comment."))
    if comment.status == "withdrawn":
        return comment
    if not permissions.can_withdraw(user, comment):
        raise PermissionDenied(_("This comment can no longer be withdrawn."))
    comment.status = "withdrawn"
    comment.withdrawn_at = utcnow()
    db.session.flush()
    return comment


def _refresh_counts(comment: Comment) -> None:
    """Recount in SQL so concurrent endorsements never leave the counters drifting."""
    rows = dict(
        db.session.execute(
            select(Endorsement.value, func.count())
            .where(Endorsement.comment_id == comment.id)
            .group_by(Endorsement.value)
        ).all()
    )
    agree, disagree = rows.get("agree", 0), rows.get("disagree", 0)
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(
            agree_count=agree,
            disagree_count=disagree,
            score=wilson_lower_bound(agree, disagree),
        )
    )
    db.session.refresh(comment)


def _check_react(user: User, comment: Comment) -> int:
    refusal = permissions.react_refusal(user, comment)
    if refusal:
        raise PermissionDenied(refusal)
    return user.participant_id


def endorse_comment(user: User, comment: Comment, value: Any) -> Comment:
    """Agree or disagree; the same again changes nothing, the other value switches."""
    if value not in ("agree", "disagree"):
        raise ValidationError(
            _("Choose agree or disagree."), {"value": _("Must be agree or disagree.")}
        )
    participant_id = _check_react(user, comment)
    existing = db.session.scalar(
        select(Endorsement).where(
            Endorsement.comment_id == comment.id, Endorsement.participant_id == participant_id
        )
    )
    if existing is not None and existing.value == value:
        return comment
    if existing is not None:
        existing.value = value
        existing.updated_at = utcnow()
    else:
        try:
            with db.session.begin_nested():
                db.session.add(
                    Endorsement(comment_id=comment.id, participant_id=participant_id, value=value)
                )
        except IntegrityError:
            # A concurrent request from the same person won; apply ours on top of it.
            db.session.execute(
                update(Endorsement)
                .where(
                    Endorsement.comment_id == comment.id,
                    Endorsement.participant_id == participant_id,
                )
                .values(value=value, updated_at=utcnow())
            )
    db.session.flush()
    _refresh_counts(comment)
    return comment


def withdraw_endorsement(user: User, comment: Comment) -> Comment:
    """Take back one's agree or disagree; withdrawing nothing is a no-op."""
    participant_id = _participant_of(user)
    existing = db.session.scalar(
        select(Endorsement).where(
            Endorsement.comment_id == comment.id, Endorsement.participant_id == participant_id
        )
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
        _refresh_counts(comment)
    return comment


def flag_comment(user: User, comment: Comment, reason: Any, note: Any = None) -> Flag:
    """Report a comment to the moderators; one flag per person per comment."""
    participant_id = _check_react(user, comment)
    if reason not in FLAG_REASONS:
        raise ValidationError(_("Choose a reason."), {"reason": _("Not a valid reason.")})
    if note is not None and not isinstance(note, str):
        raise ValidationError(_("The note must be text."), {"note": _("Must be text.")})
    note = (note or "").strip() or None
    if note and (len(note) > MAX_NOTE or "\x00" in note):
        raise ValidationError(
            _("The note is too long."), {"note": _("Use at most %(max)d characters.", max=MAX_NOTE)}
        )
    duplicate = Conflict(
        _("You have already flagged this comment. The moderators will review it."),
        {"reason": _("Already flagged.")},
    )
    exists = db.session.scalar(
        select(Flag.id).where(Flag.comment_id == comment.id, Flag.participant_id == participant_id)
    )
    if exists is not None:
        raise duplicate
    flag = Flag(comment_id=comment.id, participant_id=participant_id, reason=reason, note=note)
    db.session.add(flag)
    try:
        # No savepoint: on SQLite a savepoint before the first write commits on release, so
        # the flag would outlive a later failure. A duplicate fails the whole transaction,
        # which the edge rolls back when the Conflict reaches it.
        db.session.flush()
    except IntegrityError as exc:
        raise duplicate from exc
    hooks.flag_added(comment, flag)  # e.g. the moderation threshold, in this transaction
    return flag
