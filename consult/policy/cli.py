"""`consult load-policy`: load a policy file (or every file in policy_data/)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from consult.core.transaction import transaction
from consult.errors import DomainError
from consult.policy.loader import PolicyFileError, policy_files, read_policy_file
from consult.policy.services import load_policy


def load_files(paths: list[Path]) -> None:
    """Validate every file first, then load them all in one transaction."""
    parsed = []
    for path in paths:
        try:
            parsed.append(read_policy_file(path))
        except PolicyFileError as exc:
            raise click.ClickException(f"invalid policy file\n{exc}") from exc
    with transaction():
        for path, data in zip(paths, parsed, strict=True):
            try:
                result = load_policy(data)
            except DomainError as exc:
                raise click.ClickException(f"{path}: {exc.message}") from exc
            if result.created:
                click.echo(
                    f"Loaded new policy {data.slug}: {len(data.sections)} sections, "
                    f"{sum(len(s.objectives) for s in data.sections)} objectives."
                )
            elif result.changes:
                click.echo(f"Updated {data.slug}: {len(result.changes)} change(s).")
                for change in result.changes:
                    click.echo(f"  - {change}")
            else:
                click.echo(f"{data.slug}: no changes.")


def register(group: click.Group) -> None:
    @group.command("load-policy")
    @click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, path_type=Path))
    def load_policy_command(paths: tuple[Path, ...]) -> None:
        """Load policy files (all of POLICY_DATA_DIR when no PATH is given)."""
        files: list[Path] = []
        for path in paths or (Path(current_app.config["POLICY_DATA_DIR"]),):
            if path.is_dir():
                files.extend(policy_files(path))
            else:
                files.append(path)
        if not files:
            raise click.ClickException("no policy files found")
        load_files(files)
