"""Hearings: in-person sessions whose input lands in the same record as online input."""


def init_app() -> None:
    """Register the hearing predicates for templates (`perms.hearings`)."""
    from consult.core import perms
    from consult.hearings import permissions

    perms.register("hearings", permissions)
