"""The `consult` command group; each domain adds its commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from consult.core import audit, backup
from consult.core.transaction import cli_transaction


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

    @group.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace PATH if it exists.")
    def backup_command(path: Path, yes: bool) -> None:
        """Write a consistent copy of the whole database to PATH, while the site runs."""
        try:
            result = backup.backup(path, overwrite=yes)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(
            f"Backed up {backup.describe(backup.database_url())} to {result.path}"
            f" ({result.size} bytes, sha256 {result.sha256}, revision {result.revision})."
        )

    @group.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Yes, replace every row of the database.")
    def restore_command(path: Path, yes: bool) -> None:
        """Replace the whole database with the backup in PATH (stop the app servers first)."""
        target = backup.describe(backup.database_url())
        try:
            backup.check_backup(path)
            if not yes:
                raise click.ClickException(
                    f"This replaces every row of {target} with {path}. Stop the app servers,"
                    " then run again with --yes."
                )
            with cli_transaction():
                result = backup.restore(path)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Restored {target} from {path}.")
        if result.revision == result.head:
            click.echo(f"Schema revision {result.revision}: current.")
        else:
            click.echo(
                f"Schema revision {result.revision}; this code's head is {result.head}:"
                " run `flask db upgrade` before starting the app servers."
            )
        if result.audit.ok:
            click.echo(f"Audit log intact: {result.audit.checked} entries verified.")
        else:
            click.echo(
                f"Audit entry {result.audit.first_bad_id} does not verify: {result.audit.reason}."
            )
            raise SystemExit(1)

    @group.command("verify-audit")
    def verify_audit() -> None:
        """Walk the audit log's hash chain; exit 1 naming the first entry that fails."""
        report = audit.verify_chain()
        if not report.ok:
            click.echo(f"Audit entry {report.first_bad_id} does not verify: {report.reason}.")
            raise SystemExit(1)
        click.echo(f"Audit log intact: {report.checked} entries verified.")

    app.cli.add_command(group)
