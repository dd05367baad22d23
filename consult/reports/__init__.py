"""Aggregated feedback reports: read every domain, own only the published snapshots."""


def init_app() -> None:
    """Expose the report predicates to templates as `perms.reports`."""
    from consult.core import perms
    from consult.reports import export_columns, exports, permissions

    perms.register("reports", permissions)
    # Columns other domains add to an export: one line each (see reports/export_columns.py).
    exports.register_export_columns("comments", export_columns.DISPOSITION_COLUMNS)
