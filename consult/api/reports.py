"""The aggregated feedback report as JSON (CONTRACT §5), and its published snapshots."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, url_for

from consult.api.auth import bearer_user, token_required
from consult.api.blueprint import bp
from consult.api.requests import json_body
from consult.core.database import replica_session
from consult.core.transaction import write
from consult.errors import AuthenticationRequired, PermissionDenied, ValidationError
from consult.policy.queries import get_policy
from consult.reports import permissions, publication, queries
from consult.reports.filters import read_filters, requested_filter_args, snapshot_filter_error


def _snapshot_json(policy_slug: str, snapshot) -> dict:
    return {
        **publication.snapshot_meta(snapshot),
        "url": url_for(
            "reports.snapshot_json", policy=policy_slug, number=snapshot.number, _external=True
        ),
    }


@bp.get("/policies/<policy>/report")
def report(policy: str):
    """The desk: the live report, filterable. Everyone else: the latest published snapshot."""
    user = bearer_user()
    p = get_policy(policy, include_drafts=permissions.can_open_draft(user))
    if permissions.sees_live_report(user):
        filters = read_filters(p)
        with replica_session():
            data = queries.report_for(
                p,
                filters,
                exact=permissions.sees_exact_numbers(user),
                minimum=current_app.config["REPORT_MIN_CELL"],
            )
        return jsonify(data)
    latest = publication.latest_snapshot(p)
    refusal = permissions.report_refusal(user, p, latest is not None)
    if refusal or latest is None:
        if user is None:
            raise AuthenticationRequired(refusal)
        raise PermissionDenied(refusal)
    ignored = requested_filter_args()
    if ignored:
        raise snapshot_filter_error(ignored)
    return jsonify({**latest.data(), "snapshot": _snapshot_json(p.slug, latest)})


@bp.get("/policies/<policy>/report/snapshots")
def list_snapshots(policy: str):
    """Every published snapshot of the policy (number, date, digest, note), newest first."""
    p = get_policy(policy, include_drafts=permissions.can_open_draft(bearer_user()))
    return jsonify(
        {
            "snapshots": [
                {
                    "number": number,
                    "published_at": at.isoformat(),
                    "sha256": sha,
                    "note": note,
                    "url": url_for(
                        "reports.snapshot_json", policy=p.slug, number=number, _external=True
                    ),
                }
                for number, at, sha, note in publication.list_snapshots(p)
            ]
        }
    )


@bp.post("/policies/<policy>/report/snapshots")
@write
@token_required
def publish(policy: str):
    """Admins: freeze the public report as the next snapshot → 201 with its number and digest.

    The body is optional: `{"note": "…"}`.
    """
    user = g.api_user
    p = get_policy(policy, include_drafts=permissions.can_open_draft(user))
    data = json_body({"note"}) if request.get_data() else {}
    if data.get("note") is not None and not isinstance(data["note"], str):
        raise ValidationError("note must be a string.", {"note": "Not a string."})
    snapshot = publication.publish_report(p, user, data.get("note"))
    return jsonify(_snapshot_json(p.slug, snapshot)), 201
