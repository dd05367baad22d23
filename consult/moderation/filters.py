"""The queue's filters read from the query string, for both edges (pages and API)."""

from __future__ import annotations

from flask import request

from consult.core.params import choice_arg, int_arg
from consult.core.vocab import CHANNELS
from consult.moderation import queries


def queue_filters() -> queries.QueueFilters:
    """`?reason=&section=&channel=&hearing=&status=`; an unknown value is a 422, not ignored."""
    hearing = request.args.get("hearing")
    return queries.QueueFilters(
        reason=choice_arg("reason", queries.QUEUE_REASONS, "") or None,
        section=(request.args.get("section") or "")[:80] or None,
        channel=choice_arg("channel", CHANNELS, "") or None,
        hearing_id=int_arg("hearing", 0, minimum=1) if hearing else None,
        status=choice_arg("status", queries.QUEUE_STATUSES, "") or None,
    )
