"""Moderation rules: act on comments (one or a bulk selection), suspend accounts, and the
flag threshold. Nothing is ever deleted: a comment is hidden with a reason, on the record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from consult.accounts.models import User
from consult.accounts.services import end_sessions
from consult.comments.models import Comment, Flag
from consult.core import audit
from consult.core.models import utcnow
from consult.core.vocab import MODERATION_REASONS
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import permissions
from consult.moderation.models import ModerationAction

# action -> (statuses it applies to, status it leaves, whether a reason is required)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None, bool]] = {
    "approve": (("pending",), "published", False),
    "hide": (("published", "pending"), "hidden", True),
    "restore": (("hidden", "rejected"), "published", False),
    "reject": (("pending",), "rejected", True),
    "dismiss-flags": (("published", "hidden", "pending"), None, False),
}
COMMENT_ACTIONS = tuple(TRANSITIONS)
CHOOSABLE_REASONS = tuple(r for r in MODERATION_REASONS if r != "flagged")
MAX_NOTE = 2000
MAX_BULK = 200


def state_token(comment: Comment, open_flags: int) -> str:
    """A short fingerprint of what the moderator saw; if it changed, the form is stale."""
    raw = f"{comment.id}:{comment.status}:{comment.edited_at}:{open_flags}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def _open_flag_counts(ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Flag.comment_id, func.count(Flag.id))
        .where(Flag.comment_id.in_(ids), Flag.resolved_at.is_(None))
        .group_by(Flag.comment_id)
    )
    return {int(cid): int(n) for cid, n in rows}


def _clean_reason(reason: str | None, required: bool) -> str | None:
    if reason in (None, ""):
        if required:
            raise ValidationError(
                _("Give a reason: it is shown in the comment's place and counted publicly."),
                {"reason": _("Choose a reason.")},
            )
        return None
    if reason not in CHOOSABLE_REASONS:
        raise ValidationError(_("Choose a reason from the list."), {"reason": _("Not valid.")})
    return reason


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip() or None
    if note and (len(note) > MAX_NOTE or "\x00" in note):
        raise ValidationError(
            _("The note is too long."), {"note": _("Use at most %(max)d characters.", max=MAX_NOTE)}
        )
    return note


@dataclass(frozen=True)
class Selection:
    """A comment as the moderator saw it: its id and the `state_token` shown with it."""

    comment_id: int
    token: str | None = None


def act_on_comments(
    actor: User,
    selection: Sequence[Selection],
    action: str,
    reason: str | None = None,
    note: str | None = None,
) -> list[Comment]:
    """Apply one action to every selected comment, all or none.

    Each comment is checked before anything changes: it must exist, the actor may act on
    it, the action must fit its status, and (when the form carried one) its state token
    must still match, so nobody acts on a comment that changed since the queue loaded.
    """
    if action not in TRANSITIONS:
        raise ValidationError(
            _("Unknown action."), {"action": _("One of: %(a)s.", a=", ".join(COMMENT_ACTIONS))}
        )
    if not selection:
        raise ValidationError(_("Select at least one comment."), {"ids": _("Nothing selected.")})
    if len(selection) > MAX_BULK:
        raise ValidationError(
            _("Select at most %(n)d comments at once.", n=MAX_BULK), {"ids": _("Too many.")}
        )
    from_statuses, to_status, needs_reason = TRANSITIONS[action]
    reason = _clean_reason(reason, needs_reason)
    note = _clean_note(note)
    ids = [s.comment_id for s in selection]
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}
    missing = [i for i in ids if i not in comments]
    if missing:
        raise NotFound(
            _("No comment %(id)s: nothing was changed.", id=missing[0]), {"ids": str(missing[0])}
        )
    flags = _open_flag_counts(ids)
    for item in selection:
        comment = comments[item.comment_id]
        refusal = permissions.moderate_refusal(actor, comment)
        if refusal:
            raise PermissionDenied(refusal)
        if item.token is not None and item.token != state_token(comment, flags.get(comment.id, 0)):
            raise Conflict(
                _(
                    "Comment %(id)s changed since you loaded the queue: nothing was changed. "
                    "Reload and look again.",
                    id=comment.id,
                ),
                {"ids": str(comment.id)},
            )
        if comment.status not in from_statuses:
            raise Conflict(
                _(
                    "Comment %(id)s is %(status)s, so “%(action)s” does not apply: "
                    "nothing was changed.",
                    id=comment.id,
                    status=comment.status,
                    action=action,
                ),
                {"action": _("Not possible for this comment.")},
            )
    now = utcnow()
    for item in selection:
        comment = comments[item.comment_id]
        before = comment.status
        held_for = comment.held_for
        if to_status is not None:
            comment.status = to_status
            comment.moderation_reason = reason if to_status in ("hidden", "rejected") else None
            # A moderator has decided: the spam heuristics' hold is over (kept in the log).
            comment.held_for = None
        elif comment.moderation_reason == "flagged" and comment.status == "hidden":
            # Dismissing the reports behind an automatic hide puts the comment back.
            comment.status, comment.moderation_reason = "published", None
        if action in ("hide", "reject", "dismiss-flags", "restore", "approve"):
            db.session.execute(
                update(Flag)
                .where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None))
                .values(resolved_at=now, resolved_by_id=actor.id, resolution=action)
            )
        data = {"from": before, **({"held_for": held_for} if held_for else {})}
        _record(actor.id, action, reason, note, comment=comment, data=data)
    db.session.flush()
    return [comments[i] for i in ids]


def _record(
    actor_id: int | None,
    action: str,
    reason: str | None,
    note: str | None,
    *,
    comment: Comment | None = None,
    user: User | None = None,
    until: datetime | None = None,
    data: dict | None = None,
) -> None:
    participant_id = comment.participant_id if comment else (user.participant_id if user else None)
    db.session.add(
        ModerationAction(
            actor_id=actor_id,
            action=action,
            reason=reason,
            note=note,
            comment_id=comment.id if comment else None,
            user_id=user.id if user else None,
            participant_id=participant_id,
            until=until,
        )
    )
    audit.record(
        f"moderation.{action}",
        actor_id=actor_id,
        target_type="comment" if comment else "user",
        target_id=comment.id if comment else (user.id if user else None),
        data={
            "reason": reason,
            "note": bool(note),  # the note itself stays on the desk, not in the public chain
            **({"until": until.isoformat()} if until else {}),
            **(data or {}),
        },
    )


def record_platform_action(
    action: str, comment: Comment, note: str | None = None, data: dict | None = None
) -> None:
    """Record an action the platform itself took on a comment (no actor), e.g. a spam hold.

    The note stays on the desk; the public audit chain only learns that there is one.
    """
    _record(None, action, None, note, comment=comment, data=data)


def ban_account(
    actor: User, target: User, reason: str | None, until: datetime | None, note: str | None
) -> User:
    """Suspend an account from taking part, until a date or until lifted; ends its sessions."""
    refusal = permissions.ban_refusal(actor, target)
    if refusal:
        raise PermissionDenied(refusal)
    if target.deleted_at is not None:
        raise NotFound(_("No such account."))
    reason = _clean_reason(reason, required=True)
    if until is not None and until <= utcnow():
        raise ValidationError(
            _("The end date must be in the future."), {"until": _("Choose a later date.")}
        )
    target.banned_at = utcnow()
    target.banned_until = until
    target.ban_reason = reason
    end_sessions(target)
    _record(actor.id, "ban", reason, _clean_note(note), user=target, until=until)
    db.session.flush()
    return target


def unban_account(actor: User, target: User, note: str | None = None) -> User:
    """Lift a suspension early."""
    refusal = permissions.ban_refusal(actor, target)
    if refusal:
        raise PermissionDenied(refusal)
    if not target.is_banned:
        raise Conflict(_("This account is not suspended."), {})
    target.banned_until = utcnow()
    _record(actor.id, "unban", None, _clean_note(note), user=target)
    db.session.flush()
    return target


def apply_flag_threshold(comment: Comment, flag: Flag) -> None:
    """Hide a published comment pending review once enough distinct people reported it.

    A `comments` flag listener: it runs in the flag's transaction, so the hiding and the
    flag that caused it land together.
    """
    threshold = int(current_app.config["MODERATION_FLAG_THRESHOLD"])
    if comment.status != "published" or threshold < 1:
        return
    db.session.flush()
    flaggers = db.session.scalar(
        select(func.count(func.distinct(Flag.participant_id))).where(
            Flag.comment_id == comment.id, Flag.resolved_at.is_(None)
        )
    )
    if (flaggers or 0) >= threshold:
        comment.status = "hidden"
        comment.moderation_reason = "flagged"
        _record(None, "auto-hide", "flagged", None, comment=comment, data={"flags": flaggers})
