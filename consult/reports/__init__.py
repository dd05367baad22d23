"""Aggregated feedback reports: read every domain, own no tables (yet), imported by none."""


def init_app() -> None:
    """Expose the report predicates to templates as `perms.reports`."""
    from consult.core import perms
    from consult.reports import permissions

    perms.register("reports", permissions)
