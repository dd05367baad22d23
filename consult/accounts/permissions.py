"""Role predicates, shared by views, the API, templates and services."""

from __future__ import annotations

from typing import Any

RANK = {"citizen": 0, "facilitator": 1, "moderator": 2, "admin": 3}


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def has_role(user: Any, *roles: str) -> bool:
    """True for any of `roles`; admins hold every role (CONTRACT §3)."""
    return _authenticated(user) and (user.role in roles or user.role == "admin")


def can_moderate(user: Any) -> bool:
    return has_role(user, "moderator")


def can_facilitate(user: Any) -> bool:
    return has_role(user, "facilitator")


def can_manage_users(user: Any) -> bool:
    """Change roles and lift login limits: administrators only."""
    return has_role(user, "admin")


def can_manage_account(user: Any, account: Any) -> bool:
    return _authenticated(user) and user.id == account.id
