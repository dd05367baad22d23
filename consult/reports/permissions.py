"""Who sees which report: the only place report permissions are decided.

Until publication snapshots exist, the rule is: moderators and admins always (exact
numbers), everyone else only once the policy's status is `published` (small cells hidden).

Exports (the record, row by row) are for moderators and admins only. Personal data (the
email of an account, the name an attendee gave without consenting to show it) leaves only
in an admin's export that asks for it (DESIGN §5: never in a moderator's export).
"""

from __future__ import annotations

from flask_babel import gettext as _

from consult.accounts.permissions import Viewer, can_moderate, has_role
from consult.policy.models import Policy


def sees_exact_numbers(user: Viewer | None) -> bool:
    """Moderators and admins see every cell; the public sees small cells suppressed."""
    return can_moderate(user)


def report_refusal(user: Viewer | None, policy: Policy) -> str | None:
    """Why this person may not see the policy's report yet, or None when they may."""
    if can_moderate(user) or policy.status == "published":
        return None
    return _("The report on this policy is not published yet.")


def can_view_report(user: Viewer | None, policy: Policy) -> bool:
    return report_refusal(user, policy) is None


def can_open_draft(user: Viewer | None) -> bool:
    """A draft policy (and so its report) exists only for admins, as everywhere else."""
    return has_role(user, "admin")


def can_export(user: Viewer | None) -> bool:
    """Download the comments, responses and hearings of a policy: the desk only."""
    return can_moderate(user)


def may_include_personal_data(user: Viewer | None) -> bool:
    """Add emails and attendees' given names to an export: admins, and only on request."""
    return has_role(user, "admin")


def export_refusal(user: Viewer | None, *, personal_data: bool) -> str | None:
    """Why this person may not have this export, or None when they may."""
    if not can_export(user):
        return _("Exports are for moderators and admins.")
    if personal_data and not may_include_personal_data(user):
        return _("Only admins may export emails and attendees' names.")
    return None


def export_audience(user: Viewer | None) -> str:
    """The role an export's columns are chosen for (the audit log records it)."""
    return "admin" if has_role(user, "admin") else "moderator"
