"""Who may manage invitations and see participation: the only place these are decided."""

from __future__ import annotations

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
