"""`consult import-invitees` and `consult send-invitations`."""

from __future__ import annotations

from pathlib import Path

import click

from consult.core.transaction import cli_transaction, transaction
from consult.errors import DomainError
from consult.invitations import csvimport, queries, services
from consult.policy.models import Policy
from consult.policy.queries import get_policy


def _policy(slug: str) -> Policy:
    try:
        return get_policy(slug, include_drafts=True)
    except DomainError as exc:
        raise click.ClickException(f"no policy with slug {slug}") from exc


def register(group: click.Group) -> None:
    @group.command("import-invitees")
    @click.option("--policy", "slug", required=True, help="The policy's slug.")
    @click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_invitees(slug: str, dry_run: bool, path: Path) -> None:
        """Import invitees (and their bodies) from a CSV file; all rows or none."""
        policy = _policy(slug)
        if path.stat().st_size > csvimport.MAX_BYTES:
            raise click.ClickException(f"{path}: larger than {csvimport.MAX_BYTES} bytes")
        with cli_transaction():
            report = services.import_invitees(
                policy, path.read_bytes(), dry_run=dry_run, source="cli"
            )
        if not report.ok:
            for error in report.errors:
                click.echo(f"{path}: line {error.line}, {error.field}: {error.message}", err=True)
            lines = len({e.line for e in report.errors})
            click.echo(f"{path}: {lines} bad row(s); nothing written.", err=True)
            raise SystemExit(1)
        verb = "would create" if dry_run else "created"
        click.echo(
            f"{'Dry run: ' if dry_run else ''}{report.rows} rows OK; {verb} {report.created} "
            f"invitee(s) and {len(report.bodies_created)} body(ies); {report.updated} updated, "
            f"{report.unchanged} unchanged.{' Nothing written.' if dry_run else ''}"
        )

    @group.command("send-invitations")
    @click.option("--policy", "slug", required=True, help="The policy's slug.")
    def send_invitations(slug: str) -> None:
        """Send every invitation of the policy not yet sent; prints how many."""
        policy = _policy(slug)
        sent = 0
        for invitation_id in queries.list_unsent_ids(policy.id):
            # One transaction per mail: a failing mail server stops here, and what was
            # mailed stays marked as sent, so a second run sends only the rest.
            try:
                with transaction():
                    services.send_invitation(queries.get_invitation(invitation_id))
            except OSError as exc:
                click.echo(f"Sent {sent} invitation(s); stopped: {exc}", err=True)
                raise SystemExit(1) from exc
            sent += 1
        click.echo(f"Sent {sent} invitation(s).")
