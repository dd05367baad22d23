"""`consult create-user`, `create-token`, `demo-accounts`, `clear-login-limits`."""

from __future__ import annotations

import click
from flask import current_app

from consult.accounts import services
from consult.core.transaction import cli_transaction
from consult.core.vocab import ROLES
from consult.errors import DomainError

DEMO_ACCOUNTS = [
    ("citizen@example.org", "Demo Citizen", "citizen", "citizen-demo-2026"),
    ("facilitator@example.org", "Demo Facilitator", "facilitator", "facilitator-demo-2026"),
    ("moderator@example.org", "Demo Moderator", "moderator", "moderator-demo-2026"),
    ("admin@example.org", "Demo Admin", "admin", "admin-demo-2026"),
]


def register(group: click.Group) -> None:
    @group.command("create-user")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--role", type=click.Choice(ROLES), default="citizen", show_default=True)
    @click.option("--name", default=None, help="Display name (default: the part before @).")
    def create_user(email: str, password: str, role: str, name: str | None) -> None:
        """Create an account with a role."""
        with cli_transaction():
            user = services.register_user(email, password, name or email.split("@")[0])
            services.set_role(user, role)
        click.echo(f"Created {role} {user.email} (id {user.id}).")

    @group.command("create-token")
    @click.option("--email", required=True)
    @click.option("--name", default="cli", show_default=True)
    def create_token(email: str, name: str) -> None:
        """Create a personal API token; the token is printed alone on the last line."""
        user = services.get_user_by_email(email.strip())
        if user is None or not user.is_active:
            raise click.ClickException(f"no active account with email {email}")
        with cli_transaction():
            new = services.create_api_token(user, name)
        click.echo(f"Token for {user.email} (shown once, store it now):")
        click.echo(new.plaintext)

    @group.command("clear-login-limits")
    @click.option("--email", required=True)
    def clear_login_limits(email: str) -> None:
        """Lift the login limits of one account, from every address (after an attack)."""
        if not current_app.config.get("RATELIMIT_ENABLED"):
            raise click.ClickException("rate limits are off (RATELIMIT_ENABLED=false)")
        try:
            user = services.get_user_by_email(services.normalise_email(email))
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        if user is None:
            raise click.ClickException(f"no account with email {email}")
        with cli_transaction():
            services.clear_login_limits(user, actor_id=None, via="cli")
        click.echo(f"Login limits cleared for {email.strip()}.")
        if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            click.echo("Note: memory:// counters live in each server process; restart it instead.")

    @group.command("demo-accounts")
    def demo_accounts() -> None:
        """Create one demo account per role (development only) and print their logins."""
        if current_app.config.get("ENV_NAME") == "production":
            raise click.ClickException("demo accounts are not created in production")
        with cli_transaction():
            for email, name, role, password in DEMO_ACCOUNTS:
                user = services.get_user_by_email(email)
                if user is None:
                    user = services.register_user(email, password, name)
                    services.set_role(user, role)
        click.echo("Demo accounts (development only):")
        for email, _name, role, password in DEMO_ACCOUNTS:
            click.echo(f"  {role:<12} {email:<26} password: {password}")
