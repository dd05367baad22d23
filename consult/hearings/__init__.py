"""Hearings: in-person sessions whose input lands in the same record as online input."""


def init_app() -> None:
    """Register the hearing predicates for templates (`perms.hearings`), and the hearing
    names the comment thread shows beside `hearing` and `paper` comments."""
    from consult.comments import hooks
    from consult.core import perms
    from consult.hearings import participation, permissions

    perms.register("hearings", permissions)
    hooks.register_hearing_titles("hearings", participation.hearing_titles)
    # Those names are on the section pages: a renamed hearing bumps their versions.
    from consult.hearings.models import Hearing
    from consult.policy import versions

    versions.watch_policy_wide(Hearing)
