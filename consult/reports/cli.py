"""`consult export`: the report page's exports from the command line (CONTRACT §1).

The operator at the console can read the database anyway, so the command exports as an
admin: emails and attendees' given names only with `--emails`. It is audited like a
download (actor empty, `via: cli`), committed before the file is written out.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from consult.core.database import replica_session
from consult.core.transaction import cli_transaction
from consult.policy.queries import get_policy
from consult.reports import exports
from consult.reports.filters import ARGUMENTS, parse_filters


def _filter_args(pairs: tuple[str, ...]) -> dict[str, str]:
    """`name=value` pairs as query-string arguments; unknown names are refused."""
    args: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or name not in ARGUMENTS:
            raise click.BadParameter(
                f"{pair!r}: expected NAME=VALUE with NAME one of {', '.join(ARGUMENTS)}",
                param_hint="--filter",
            )
        args[name] = value.strip()
    return args


def register(group: click.Group) -> None:
    @group.command("export")
    @click.argument("kind", type=click.Choice(sorted(exports.KINDS)))
    @click.option("--policy", "slug", required=True, help="The policy's slug.")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(sorted(exports.FORMATS)),
        default="csv",
        show_default=True,
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help="Write to this file (default: standard output).",
    )
    @click.option(
        "--filter",
        "filters",
        multiple=True,
        metavar="NAME=VALUE",
        help="A report filter, e.g. province=punjab or from=2026-01-01 (repeatable).",
    )
    @click.option("--emails", is_flag=True, help="Add emails and attendees' given names.")
    def export_command(
        kind: str, slug: str, fmt: str, out: Path | None, filters: tuple[str, ...], emails: bool
    ) -> None:
        """Export a policy's comments, survey responses or hearings (csv, xlsx or json)."""
        args = _filter_args(filters)
        with cli_transaction():
            policy = get_policy(slug, include_drafts=True)
            options = exports.ExportOptions(
                policy, parse_filters(policy, args), role="admin", personal_data=emails
            )
            with replica_session():
                export = exports.build_export(kind, fmt, options)
            exports.record_export(export, options, actor_id=None, via="cli")
        with export.file:
            if out is None:
                sys.stdout.flush()
                shutil.copyfileobj(export.file, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                with out.open("wb") as target:
                    shutil.copyfileobj(export.file, target)
        click.echo(
            f"Exported {export.rows} {kind} ({export.size} bytes, sha256 {export.sha256}).",
            err=True,
        )
