"""Who sees which report, and who publishes it: the only place report permissions are decided.

Moderators and admins see the live report (exact numbers, filters) at any time. Everyone
else sees the latest published snapshot (frozen, small cells hidden, unfiltered), and
nothing before the first one exists. Only an administrator publishes a snapshot, and never
of a draft policy.

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


def sees_live_report(user: Viewer | None) -> bool:
    """The live report, recomputed on every request and filterable: the desk only.

    The public reads what the government published, so what it reads cannot change under
    it; the desk needs the current figures to prepare the next publication.
    """
    return can_moderate(user)


def report_refusal(user: Viewer | None, policy: Policy, published: bool) -> str | None:
    """Why this person may not see the policy's report, or None when they may.

    `published` says whether the policy has a published snapshot yet.
    """
    if sees_live_report(user) or published:
        return None
    return _("The report on this policy is not published yet.")


def publish_refusal(user: Viewer | None, policy: Policy) -> str | None:
    """Why this person may not publish a snapshot of this policy's report, or None."""
    if not has_role(user, "admin"):
        return _("Only an administrator can publish the report.")
    if policy.status == "draft":
        return _("A draft policy has no report to publish.")
    return None


def can_publish_report(user: Viewer | None, policy: Policy) -> bool:
    return publish_refusal(user, policy) is None


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
