"""Role predicates and the one "who is this" check, shared by every domain's permissions.

`permissions.py` modules are the only places a permission is decided: services call them
and raise `PermissionDenied`, templates get them through one context processor.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

RANK = {"citizen": 0, "facilitator": 1, "moderator": 2, "admin": 3}


@runtime_checkable
class Viewer(Protocol):
    """Whoever makes the request: an account (`User`) or Flask-Login's anonymous user.

    Only the attributes predicates read; both `User` and `AnonymousUserMixin` provide
    `is_authenticated` and `is_active`, and accounts provide the rest.
    """

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


def is_signed_in(user: Viewer | None) -> bool:
    """Signed in with an account that still exists: the base of every other predicate."""
    return user is not None and bool(user.is_authenticated) and bool(user.is_active)


def may_contribute(user: Viewer | None) -> bool:
    """Signed in, confirmed and not banned: may post, reply, endorse, flag and answer."""
    return (
        is_signed_in(user)
        and not getattr(user, "is_banned", False)
        and bool(getattr(user, "is_confirmed", False))
    )


def has_role(user: Viewer | None, *roles: str) -> bool:
    """True for any of `roles`; admins hold every role (CONTRACT §3)."""
    if not is_signed_in(user):
        return False
    role = getattr(user, "role", None)
    return role in roles or role == "admin"


def can_moderate(user: Viewer | None) -> bool:
    """Work the moderation desk: moderators and admins."""
    return has_role(user, "moderator")


def can_facilitate(user: Viewer | None) -> bool:
    """Run hearings and enter paper forms: facilitators and admins."""
    return has_role(user, "facilitator")


def can_manage_users(user: Viewer | None) -> bool:
    """Change roles and lift login limits: administrators only."""
    return has_role(user, "admin")


def can_manage_account(user: Viewer | None, account: object) -> bool:
    """Change an account's own settings: only its holder, signed in."""
    return is_signed_in(user) and getattr(user, "id", None) == getattr(account, "id", object())


def viewer_class(user: Viewer | None) -> str:
    """What a page shared by many readers may depend on about its reader, and nothing more.

    Every predicate that shapes shared markup reads only these (has_role, may_contribute,
    is_banned), never who the reader is; what depends on who (own comments, own
    endorsements, the CSRF token) is a hole (`core.holes`). So readers of one class may
    share a rendered page, and a moderator never gets a citizen's page or the reverse.
    """
    if not is_signed_in(user):
        return "anonymous"
    return ":".join(
        (
            str(getattr(user, "role", "")),
            "banned" if getattr(user, "is_banned", False) else "",
            "confirmed" if getattr(user, "is_confirmed", False) else "",
        )
    )
