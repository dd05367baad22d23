"""Bearer-token authentication for API writes; cookies are never used by the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g

from consult.accounts.auth import bearer_user
from consult.errors import AuthenticationRequired

__all__ = ["bearer_user", "token_required"]


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve the Bearer token to `g.api_user`, or answer 401 in the JSON error shape."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = bearer_user()
        if user is None:
            raise AuthenticationRequired(
                "A valid API token is required: send 'Authorization: Bearer <token>'."
            )
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped
