"""Who may moderate what: the only place moderation permissions are decided."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.accounts.permissions import Viewer, can_moderate, has_role
from consult.comments.models import Comment


def can_use_desk(user: Viewer | None) -> bool:
    """The queue, actions, bans and the moderation log: moderators and admins."""
    return can_moderate(user)


def moderate_refusal(user: Viewer | None, comment: Comment) -> str | None:
    """Why this person may not act on this comment, or None when they may."""
    if not can_moderate(user):
        return _("Only moderators can do this.")
    if getattr(user, "participant_id", None) == comment.participant_id:
        return _("You cannot moderate your own comment; another moderator will.")
    return None


def can_curate(user: Viewer | None) -> bool:
    """Themes, tags, featured quotes and private notes: moderators and admins."""
    return can_moderate(user)


def curate_refusal(user: Viewer | None, comment: Comment) -> str | None:
    """Why this person may not tag, feature or annotate this comment, or None.

    The same rule as acting on it: nobody curates their own words into the report.
    """
    if not can_curate(user):
        return _("Only moderators can curate themes and quotes.")
    if getattr(user, "participant_id", None) == comment.participant_id:
        return _("You cannot curate your own comment; another moderator will.")
    return None


def ban_refusal(user: Viewer | None, target: object) -> str | None:
    """Why this person may not suspend `target`, or None when they may.

    Nobody suspends themselves; only an administrator suspends staff (moderators,
    facilitators, admins), so a moderator cannot silence the people who oversee them.
    """
    if not can_moderate(user):
        return _("Only moderators can do this.")
    if getattr(user, "id", None) == getattr(target, "id", object()):
        return _("You cannot suspend your own account.")
    if getattr(target, "role", "citizen") != "citizen" and not has_role(user, "admin"):
        return _("Only an administrator can suspend a staff account.")
    return None


def can_respond(user: Viewer | None) -> bool:
    """The government's response (dispositions, section responses): administrators only.

    A disposition speaks for the government, not for the desk, so moderators who keep the
    record clean do not write it; an administrator does, on the policy team's behalf.
    """
    return has_role(user, "admin")


def disposition_refusal(user: Viewer | None, comment: Comment) -> str | None:
    """Why this person may not give this comment a disposition, or None when they may."""
    if not can_respond(user):
        return _("Only an administrator records the government's response.")
    if getattr(user, "participant_id", None) == comment.participant_id:
        return _("You cannot answer your own comment; another administrator will.")
    return None
