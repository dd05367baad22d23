"""The aggregated feedback report as JSON (CONTRACT §5), with the page's filters and rules."""

from __future__ import annotations

from flask import current_app, jsonify

from consult.api.auth import bearer_user
from consult.api.blueprint import bp
from consult.errors import AuthenticationRequired, PermissionDenied
from consult.policy.queries import get_policy
from consult.reports import permissions, queries
from consult.reports.filters import read_filters


@bp.get("/policies/<policy>/report")
def report(policy: str):
    """Public once the policy is published (small cells suppressed); the desk always."""
    user = bearer_user()
    p = get_policy(policy, include_drafts=permissions.can_open_draft(user))
    refusal = permissions.report_refusal(user, p)
    if refusal:
        if user is None:
            raise AuthenticationRequired(refusal)
        raise PermissionDenied(refusal)
    filters = read_filters(p)
    return jsonify(
        queries.report_for(
            p,
            filters,
            exact=permissions.sees_exact_numbers(user),
            minimum=current_app.config["REPORT_MIN_CELL"],
        )
    )
