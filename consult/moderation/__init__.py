"""The moderation desk: queue, actions, suspensions, and the public transparency page."""


def init_app() -> None:
    """Register the flag threshold and campaign grouping with comments, and the predicates
    for templates."""
    from consult.comments.hooks import register_comment_listener, register_flag_listener
    from consult.core import perms
    from consult.moderation import permissions
    from consult.moderation.campaigns import group_new_comment
    from consult.moderation.services import apply_flag_threshold

    register_flag_listener("moderation-threshold", apply_flag_threshold)
    register_comment_listener("moderation-campaigns", group_new_comment)
    perms.register("moderation", permissions)
