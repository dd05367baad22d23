"""Who is asking: the Bearer token of an API request, resolved below the API.

Rate limits (per account, across pages and the API) need it as well as the API does, so it
lives in `accounts`, which the API imports, never the other way round.
"""

from __future__ import annotations

from flask import request

from consult.accounts.models import User
from consult.accounts.services import user_for_token


def bearer_user() -> User | None:
    """The active account of the request's `Authorization: Bearer` token, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())
