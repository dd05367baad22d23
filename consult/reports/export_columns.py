"""Columns other domains add to the exports, through `exports.register_export_columns`.

Kept apart from `exports.py` so that an export kind never learns about the features that
extend it; `consult/reports/__init__.py` registers each provider once, at app set-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from consult.moderation.disposition_queries import current_comment_dispositions
from consult.reports.exports import ExportOptions


class DispositionColumns:
    """What the government did with each comment and why ("we did"), next to the comment.

    Dispositions are public on the report, so every audience of an export gets them; a
    comment without one (or only a superseded one) gets empty cells.
    """

    columns = ("disposition", "disposition_reason")

    def values(self, options: ExportOptions, ids: Sequence[int]) -> Mapping[int, Sequence[str]]:
        return current_comment_dispositions(ids)


# One instance for the process: registration is idempotent, so every app built (each
# test builds one) registers the same provider once.
DISPOSITION_COLUMNS = DispositionColumns()
