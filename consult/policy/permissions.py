"""Who may see what of a policy."""

from __future__ import annotations

from typing import Any


def can_see_drafts(user: Any) -> bool:
    """Draft policies are for administrators, who prepare them."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == "admin"
