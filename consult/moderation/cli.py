"""`consult rebuild-campaigns`: bring campaign detection up to date with the comments."""

from __future__ import annotations

import click

from consult.core.transaction import cli_transaction
from consult.moderation import campaigns
from consult.policy.queries import get_policy


def register(group: click.Group) -> None:
    @group.command("rebuild-campaigns")
    @click.option("--policy", "slug", required=True, help="The policy's slug.")
    def rebuild_campaigns(slug: str) -> None:
        """Re-band stored signatures under the current threshold and sign older comments.

        Run it after changing MODERATION_CAMPAIGN_THRESHOLD, and once after upgrading a
        database that had comments before campaign detection.
        """
        with cli_transaction():
            policy = get_policy(slug, include_drafts=True)
            result = campaigns.rebuild(policy.id)
        click.echo(
            f"Re-banded {result.rebanded} signatures; signed {result.signed} older comments, "
            f"{result.grouped} of them joined a group."
        )
