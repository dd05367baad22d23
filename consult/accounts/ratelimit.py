"""Rate-limit keys per account, shared by the HTML pages and the API."""

from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from consult.accounts.auth import bearer_user


def account_key() -> str:
    """The signed-in account (session or Bearer token), else the client address."""
    if request.headers.get("Authorization"):
        user = bearer_user()
        if user is not None:
            return f"account:{user.id}"
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"ip:{get_remote_address()}"
