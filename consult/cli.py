"""The `consult` command group; each domain adds its commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult.core import audit


def init_app(app: Flask) -> None:
    from consult import datagen
    from consult.accounts import cli as accounts_cli
    from consult.invitations import cli as invitations_cli
    from consult.moderation import cli as moderation_cli
    from consult.policy import cli as policy_cli
    from consult.reports import cli as reports_cli

    group = AppGroup("consult", help="Consult administration commands.")
    policy_cli.register(group)
    accounts_cli.register(group)
    moderation_cli.register(group)
    invitations_cli.register(group)
    datagen.register(group)
    reports_cli.register(group)

    @group.command("verify-audit")
    def verify_audit() -> None:
        """Walk the audit log's hash chain; exit 1 naming the first entry that fails."""
        report = audit.verify_chain()
        if not report.ok:
            click.echo(f"Audit entry {report.first_bad_id} does not verify: {report.reason}.")
            raise SystemExit(1)
        click.echo(f"Audit log intact: {report.checked} entries verified.")

    app.cli.add_command(group)
