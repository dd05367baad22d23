"""Who may post, edit, withdraw, endorse and flag: the only place these are decided.

Each `can_*` has a `*_refusal` twin that says why not, in the words the person sees; the
services raise `PermissionDenied` with it, templates show it, and `can_*` is simply
"no refusal". So a rule is written once and the page, the API and the service agree.
"""

from __future__ import annotations

from flask_babel import gettext as _

from consult.accounts.permissions import Viewer, is_signed_in, may_contribute
from consult.comments.models import Comment
from consult.policy.models import Policy, Section
from consult.policy.queries import is_accepting_feedback


def contributor_refusal(user: Viewer | None) -> str | None:
    """Why this person may not contribute at all (suspended, unconfirmed), if they may not."""
    if not is_signed_in(user):
        return _("Log in to take part.")
    if getattr(user, "is_banned", False):
        return _("Your account is suspended from posting.")
    if not may_contribute(user):
        return _("Confirm your email address first: open the link we sent you.")
    return None


def feedback_refusal(policy: Policy, section: Section | None = None) -> str | None:
    """Why nobody may comment here now (closed consultation, retired section), or None."""
    if not is_accepting_feedback(policy) or (section is not None and section.retired_at):
        return _("This consultation is not taking comments now.")
    return None


def post_refusal(user: Viewer | None, policy: Policy, section: Section | None = None) -> str | None:
    """Why this person may not comment here now, or None when they may."""
    return feedback_refusal(policy, section) or contributor_refusal(user)


def can_post(user: Viewer | None, policy: Policy, section: Section | None = None) -> bool:
    """Whether this person may comment here now (see `post_refusal` for why not)."""
    return post_refusal(user, policy, section) is None


def is_author(user: Viewer | None, comment: Comment) -> bool:
    """The signed-in person wrote this comment."""
    return is_signed_in(user) and getattr(user, "participant_id", None) == comment.participant_id


def can_edit_own(user: Viewer | None, comment: Comment, policy: Policy) -> bool:
    """What `can_edit` asks besides authorship: not suspended, the comment visible, the
    consultation open. The shared section page (`core.holes`) asks it for every comment
    and shows the link only on the reader's own ones."""
    return (
        is_signed_in(user)
        and not getattr(user, "is_banned", False)
        and comment.status in ("published", "pending")
        and is_accepting_feedback(policy)
    )


def can_edit(user: Viewer | None, comment: Comment, policy: Policy) -> bool:
    """The author may edit while the consultation is open and the comment is visible."""
    return is_author(user, comment) and can_edit_own(user, comment, policy)


def can_withdraw_own(comment: Comment) -> bool:
    """What `can_withdraw` asks besides authorship: a published or pending comment."""
    return comment.status in ("published", "pending")


def can_withdraw(user: Viewer | None, comment: Comment) -> bool:
    """The author may withdraw a published or pending comment (even after closing)."""
    return is_author(user, comment) and can_withdraw_own(comment)


def react_refusal(user: Viewer | None, comment: Comment) -> str | None:
    """Why this person may not endorse or flag this comment, or None when they may."""
    refusal = contributor_refusal(user)
    if refusal:
        return refusal
    if getattr(user, "participant_id", None) == comment.participant_id:
        return _("You cannot endorse or flag your own comment.")
    if comment.status != "published":
        return _("This comment is not open for reactions.")
    return None


def can_react(user: Viewer | None, comment: Comment) -> bool:
    """Endorse or flag: someone else's published comment, by a contributor in good standing."""
    return react_refusal(user, comment) is None


def can_react_to_others(user: Viewer | None, comment: Comment) -> bool:
    """What `can_react` asks besides "not one's own": a contributor in good standing and
    a published comment. The shared section page asks it for every comment and shows the
    buttons only on other people's (the author's own comment is a hole, `core.holes`)."""
    return may_contribute(user) and comment.status == "published"
