"""What invitations add to other domains' pages: the account section, "my data"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import db
from consult.invitations import queries
from consult.invitations.forms import AttachForm


def account_section(user: User) -> tuple[str, dict[str, Any]] | None:
    """ "Verified by invitation" on /account, with the label consent for each invitation."""
    mine = queries.list_own_invitations(user.id)
    if not mine:
        return None
    forms = {i.id: AttachForm(show_label=i.show_label, prefix=f"inv{i.id}") for i, _, _ in mine}
    return ("invitations/_account.html", {"invitations": mine, "label_forms": forms})


def export_for_participant(participant_id: int) -> list[dict[str, Any]]:
    """The invitations this person joined through, for "download my data"."""
    user_id = db.session.scalar(select(User.id).where(User.participant_id == participant_id))
    if user_id is None:
        return []
    return [
        {
            "policy": policy.slug,
            "name": invitee.name,
            "email": invitee.email,
            "body": invitee.body.name if invitee.body else None,
            "affiliation": invitee.affiliation,
            "stakeholder_group": invitee.stakeholder_group,
            "province": invitee.province,
            "show_label": invitee.show_label,
            "joined_at": invitation.joined_at.isoformat() if invitation.joined_at else None,
        }
        for invitee, invitation, policy in queries.list_own_invitations(user_id)
    ]
