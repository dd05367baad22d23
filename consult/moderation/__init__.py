"""The moderation desk: queue, actions, suspensions, and the public transparency page."""


def init_app() -> None:
    """Register the spam heuristics, campaign grouping and the flag threshold with
    comments, the predicates for templates, and the dispositions of one's own comments
    on /account and in "download my data"."""
    from consult.accounts.services import register_account_section, register_data_exporter
    from consult.comments.hooks import (
        register_comment_listener,
        register_edit_listener,
        register_flag_listener,
    )
    from consult.core import perms
    from consult.moderation import permissions
    from consult.moderation.campaigns import group_new_comment
    from consult.moderation.disposition_queries import account_section, export_for_participant
    from consult.moderation.services import apply_flag_threshold
    from consult.moderation.spam import hold_suspected_spam, hold_suspected_spam_edit

    # Spam first: a comment it holds is pending before any later listener sees it.
    register_comment_listener("moderation-spam", hold_suspected_spam)
    register_edit_listener("moderation-spam", hold_suspected_spam_edit)
    register_flag_listener("moderation-threshold", apply_flag_threshold)
    register_comment_listener("moderation-campaigns", group_new_comment)
    perms.register("moderation", permissions)
    register_account_section("dispositions", account_section)
    register_data_exporter("dispositions", export_for_participant)
