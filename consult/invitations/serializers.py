"""One JSON shape per entity, for the admin API."""

from __future__ import annotations

from typing import Any

from consult.invitations.models import StakeholderBody
from consult.invitations.queries import InviteeRow


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def body_json(body: StakeholderBody, invitees: int | None = None) -> dict[str, Any]:
    data = {"id": body.id, "name": body.name, "kind": body.kind, "contact": body.contact}
    if invitees is not None:
        data["invitees"] = invitees
    return data


def invitee_json(row: InviteeRow) -> dict[str, Any]:
    i = row.invitee
    return {
        "id": i.id,
        "email": i.email,
        "name": i.name,
        "body": {"id": i.body.id, "name": i.body.name, "kind": i.body.kind} if i.body else None,
        "affiliation": i.affiliation,
        "stakeholder_group": i.stakeholder_group,
        "province": i.province,
        "joined": i.user_id is not None,
        "show_label": i.show_label,
        "invitation": invitation_json(row),
    }


def invitation_json(row: InviteeRow) -> dict[str, Any]:
    inv = row.invitation
    return {
        "id": inv.id,
        "invitee_id": row.invitee.id,
        "state": row.state,
        "revoked": row.revoked,
        "expired": row.expired,
        "sent_at": _iso(inv.sent_at),
        "opened_at": _iso(inv.opened_at),
        "joined_at": _iso(inv.joined_at),
        "revoked_at": _iso(inv.revoked_at),
        "expires_at": _iso(inv.expires_at),
        "reminders_sent": inv.reminders_sent,
        "last_reminded_at": _iso(inv.last_reminded_at),
    }
