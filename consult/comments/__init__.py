"""Comment threads beside every section and objective."""

from consult.accounts.services import register_account_section, register_data_exporter


def init_app() -> None:
    """Register the thread panel and counts on policy pages, and the participant's
    comments, endorsements and flags in "download my data"."""
    from consult.comments import permissions, tallies
    from consult.comments.panel import my_comments, overview_counts, personal_parts, thread_panel
    from consult.comments.queries import export_for_participant
    from consult.core import perms
    from consult.policy.hooks import (
        register_overview_context,
        register_personal_parts,
        register_section_panel,
    )

    perms.register("comments", permissions)
    tallies.init_app()
    register_section_panel("comments", thread_panel, order=20)
    register_personal_parts("comments", personal_parts)
    register_overview_context("comments", overview_counts)
    register_data_exporter("threads", export_for_participant)
    register_account_section("comments", my_comments)
