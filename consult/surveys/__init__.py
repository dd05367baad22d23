"""Structured surveys per policy section."""

from consult.accounts.services import register_data_exporter


def init_app() -> None:
    """Add the participant's survey responses to "download my data"."""
    from consult.surveys.queries import export_for_participant

    register_data_exporter("surveys", export_for_participant)
