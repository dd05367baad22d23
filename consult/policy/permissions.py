"""Who may see what of a policy."""

from __future__ import annotations

from consult.accounts.permissions import Viewer, has_role


def can_see_drafts(user: Viewer | None) -> bool:
    """Draft policies are for administrators, who prepare them."""
    return has_role(user, "admin")
