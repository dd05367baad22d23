"""Who sees which report: the only place report permissions are decided.

Until publication snapshots exist, the rule is: moderators and admins always (exact
numbers), everyone else only once the policy's status is `published` (small cells hidden).
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
