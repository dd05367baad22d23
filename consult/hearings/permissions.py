"""Who may create and run hearings: the only place hearing permissions are decided.

Views, the API, templates (as `perms.hearings`) and the services all ask these predicates,
so a page never shows a button that the service would refuse.
"""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _

from consult.accounts.permissions import Viewer, can_facilitate, has_role
from consult.hearings.models import Hearing
from consult.policy.models import Section


def can_create(user: Viewer | None) -> bool:
    """Schedule a hearing: facilitators and admins."""
    return can_facilitate(user)


def is_assigned(user: Viewer | None, hearing: Hearing) -> bool:
    """An account named among the hearing's facilitators (whatever its role today)."""
    user_id = getattr(user, "id", None)
    return user_id is not None and any(f.id == user_id for f in hearing.facilitators)


def can_manage(user: Viewer | None, hearing: Hearing) -> bool:
    """Edit, open, close, record the outcome of a hearing, and assign its facilitators.

    Admins manage every hearing; a facilitator only the hearings they are assigned to, and
    only while they still hold the role (a demoted account loses its hearings at once).
    """
    if has_role(user, "admin"):
        return True
    return can_facilitate(user) and is_assigned(user, hearing)


def manage_refusal(user: Viewer | None, hearing: Hearing) -> str | None:
    """Why this person may not manage this hearing, or None when they may."""
    if can_manage(user, hearing):
        return None
    if can_facilitate(user):
        return _("Only the facilitators assigned to this hearing, and administrators, can do this.")
    return _("Only facilitators and administrators can run hearings.")


def can_be_assigned(user: object) -> bool:
    """An account that may be named a facilitator: role facilitator or admin."""
    return getattr(user, "role", None) in ("facilitator", "admin")


def can_see(user: Viewer | None, hearing: Hearing) -> bool:
    """Hearings are public announcements, except on a policy that is still a draft."""
    return hearing.policy.status != "draft" or can_manage(user, hearing)


def attendee_refusal(hearing: Hearing, section: Section | None = None) -> str | None:
    """Why nobody may join or take part in this hearing now (or in this section), or None.

    Participants take part only while the hearing is open, and only in its sections, so
    the join page, every attendee page and the services refuse with the same words.
    """
    if hearing.status == "scheduled":
        return _(
            "This hearing has not started yet: it opens at %(when)s.",
            when=format_datetime(hearing.starts_at, "medium"),
        )
    if not hearing.is_open:
        return _("This hearing has ended: it no longer takes contributions.")
    if section is not None and all(s.id != section.id for s in hearing.sections):
        return _("This section is not part of this hearing.")
    return None


def can_take_part(hearing: Hearing, section: Section | None = None) -> bool:
    """Join, comment or answer at this hearing now (in this section): no refusal."""
    return attendee_refusal(hearing, section) is None
