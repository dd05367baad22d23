"""Accounts: people, their participant profile, sessions and API tokens."""


def init_app() -> None:
    """Give templates the account predicates (`perms.accounts.can_manage_users`)."""
    from consult.accounts import permissions
    from consult.core import perms

    perms.register("accounts", permissions)
