"""Aggregated feedback reports: read every domain, own no tables (yet), imported by none."""


def init_app() -> None:
    """Expose the report predicates to templates as `perms.reports`."""
    from consult.core import perms
    from consult.reports import permissions

    perms.register("reports", permissions)
    # Extra export columns from other domains go here, one line each, e.g. the disposition
    # of a comment once its table exists:
    #   exports.register_export_columns("comments", DispositionColumns())
    # (a provider with `columns` and `values(options, ids)`; see reports/exports.py).
