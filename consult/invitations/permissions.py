"""Who may manage invitations and see participation: the only place these are decided."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.accounts.permissions import Viewer, has_role


def can_manage_invitations(user: Viewer | None) -> bool:
    """Bodies, invitees, imports and sending links: administrators only.

    The list holds personal email addresses of named people, so it stays with the few who
    also manage accounts.
    """
    return has_role(user, "admin")


def can_view_participation(user: Viewer | None) -> bool:
    """The participation figures of the invited stream: moderators and admins.

    Counts and body names only; no email address or person's name is on that page.
    """
    return has_role(user, "moderator")


def submit_refusal(user: Viewer | None, body: object) -> str | None:
    """Why this person may not write the body's formal response, or None when they may.

    Only a representative of that very body who has joined through their invitation, and
    still may contribute (confirmed, not banned).
    """
    from sqlalchemy import select

    from consult.accounts.permissions import may_contribute
    from consult.extensions import db
    from consult.invitations.models import Invitee

    if not may_contribute(user):
        return _("Log in with the account you joined with through your invitation.")
    found = db.session.scalar(
        select(Invitee.id).where(
            Invitee.body_id == getattr(body, "id", None),
            Invitee.user_id == getattr(user, "id", None),
            Invitee.representative.is_(True),
        )
    )
    if found is None:
        return _("Only a nominated representative of this body can write its response.")
    return None


def can_submit(user: Viewer | None, body: object) -> bool:
    return submit_refusal(user, body) is None


def can_view_unpublished_submissions(user: Viewer | None) -> bool:
    """Responses a body asked to keep unpublished, and drafts: moderators and admins."""
    return has_role(user, "moderator")
