"""Structured surveys per policy section."""

from consult.accounts.services import register_data_exporter


def init_app() -> None:
    """Register what surveys add to other domains: their policy-file table, their panel on
    the section page, and the participant's responses in "download my data"."""
    from consult.core import perms
    from consult.policy import versions
    from consult.policy.hooks import SectionTable, register_section_panel, register_section_table
    from consult.surveys import permissions
    from consult.surveys.definitions import parse_section_surveys
    from consult.surveys.models import Survey
    from consult.surveys.queries import export_for_participant, section_panel
    from consult.surveys.services import sync_section_surveys

    register_section_table(SectionTable("surveys", parse_section_surveys, sync_section_surveys))
    register_section_panel("surveys", section_panel, order=10)
    register_data_exporter("surveys", export_for_participant)
    # The section page links to its survey while it is not a draft (the page cache key).
    versions.watch(Survey, lambda _connection, survey: [survey.section_id])
    perms.register("surveys", permissions)
