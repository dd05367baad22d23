"""make_* factories: rows built through the services, so tests see what users create."""

from __future__ import annotations

import itertools
from typing import Any

from consult.accounts import services as accounts
from consult.accounts.models import User

DEFAULT_PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_user(
    role: str = "citizen",
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    **profile: Any,
) -> User:
    n = next(_seq)
    user = accounts.register_user(
        email or f"person{n}@example.org",
        password,
        name or f"Person {n}",
        profile=profile or None,
    )
    accounts.set_role(user, role)
    return user
