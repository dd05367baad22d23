"""Who may post, edit, withdraw, endorse and flag; used by views, API, templates, services."""

from __future__ import annotations

from typing import Any

from consult.comments.models import Comment
from consult.policy.models import Policy
from consult.policy.queries import is_accepting_feedback


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def _contributor(user: Any) -> bool:
    return _active(user) and not user.is_banned and user.is_confirmed


def can_post(user: Any, policy: Policy) -> bool:
    return _contributor(user) and is_accepting_feedback(policy)


def is_author(user: Any, comment: Comment) -> bool:
    return _active(user) and user.participant_id == comment.participant_id


def can_edit(user: Any, comment: Comment, policy: Policy) -> bool:
    return (
        is_author(user, comment)
        and not user.is_banned
        and comment.status in ("published", "pending")
        and is_accepting_feedback(policy)
    )


def can_withdraw(user: Any, comment: Comment) -> bool:
    return is_author(user, comment) and comment.status in ("published", "pending")


def can_react(user: Any, comment: Comment) -> bool:
    """Endorse or flag: someone else's published comment, by a signed-in, unbanned person."""
    return (
        _contributor(user)
        and comment.status == "published"
        and user.participant_id != comment.participant_id
    )
