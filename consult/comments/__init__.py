"""Comment threads beside every section and objective."""

from consult.accounts.services import register_data_exporter


def init_app() -> None:
    """Add the participant's comments, endorsements and flags to "download my data"."""
    from consult.comments.queries import export_for_participant

    register_data_exporter("threads", export_for_participant)
