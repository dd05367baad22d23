"""The invited stream: stakeholder bodies, invitees, personal invitation links."""


def init_app() -> None:
    """Register the invited stream with comments and surveys, the thread label, the
    account-page section and the predicates for templates."""
    from consult.accounts.services import register_account_section, register_data_exporter
    from consult.comments import hooks as comment_hooks
    from consult.core import perms
    from consult.invitations import permissions
    from consult.invitations.panel import account_section, export_for_participant
    from consult.invitations.queries import invited_labels, invited_stream
    from consult.policy import hooks as policy_hooks

    policy_hooks.register_stream_resolver("invitations", invited_stream)  # comments, surveys
    comment_hooks.register_label_provider("invitations", invited_labels)
    # The label names the body and affiliation: changing them bumps the section pages.
    from consult.invitations.models import Invitee, StakeholderBody
    from consult.policy import versions

    versions.watch_policy_wide(Invitee)
    versions.watch_policy_wide(StakeholderBody)
    register_account_section("invitations", account_section)
    register_data_exporter("invitations", export_for_participant)
    perms.register("invitations", permissions)
