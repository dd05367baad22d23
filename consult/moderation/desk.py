"""The desk's door: every /moderation/ page is for moderators and admins only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from consult.errors import PermissionDenied
from consult.extensions import login_manager
from consult.moderation import permissions


def desk_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor to sign in; refuse a signed-in non-moderator with 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not permissions.can_use_desk(current_user):
            raise PermissionDenied(_("Only moderators can open the moderation desk."))
        return view(*args, **kwargs)

    return wrapper
