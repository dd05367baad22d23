"""Hearing endpoints of the API: list, read, schedule and move through the lifecycle."""

from __future__ import annotations

from flask import g, jsonify

from consult.api.auth import bearer_user, token_required
from consult.api.blueprint import bp
from consult.api.requests import json_body
from consult.core.params import int_arg
from consult.core.transaction import write
from consult.errors import NotFound, PermissionDenied, ValidationError
from consult.hearings import participation, permissions, queries, serializers, services
from consult.policy.queries import get_policy

CREATE_FIELDS = {
    "policy",
    "title",
    "institution",
    "city",
    "province",
    "venue",
    "starts_at",
    "ends_at",
    "description",
    "sections",
}


@bp.get("/hearings")
def list_hearings():
    """Hearings of public policies: every upcoming and open one first, then one page of
    past ones (`?page=`, 20 a page, latest first; `past_total` says how many there are)."""
    listing = queries.list_public_hearings(past_page=int_arg("page", 1, minimum=1))
    rows = listing.upcoming + listing.past.items
    return jsonify(
        {
            "hearings": [serializers.hearing(r.hearing, r.contributions) for r in rows],
            "page": listing.past.page,
            "per_page": listing.past.per_page,
            "past_total": listing.past.total,
        }
    )


@bp.get("/hearings/<int:hearing_id>")
def get_hearing(hearing_id: int):
    page = queries.get_hearing_page(hearing_id)
    user = bearer_user()
    if not permissions.can_see(user, page.hearing):
        raise NotFound("No such hearing.")
    manage = permissions.can_manage(user, page.hearing)
    return jsonify(serializers.hearing(page.hearing, page.contributions, with_code=manage))


@bp.get("/hearings/<int:hearing_id>/counters")
@token_required
def get_hearing_counters(hearing_id: int):
    """The projector's live counters: who joined, comments, responses, by channel."""
    hearing = queries.get_hearing(hearing_id)
    refusal = permissions.manage_refusal(g.api_user, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    return jsonify({"status": hearing.status, **participation.count_live(hearing).as_json()})


@bp.post("/hearings")
@write
@token_required
def create_hearing():
    data = json_body(allowed=CREATE_FIELDS)
    slug = data.get("policy")
    if not isinstance(slug, str) or not slug:
        raise ValidationError("Name the policy by its slug.", {"policy": "Required."})
    policy = get_policy(slug[:80])
    details = services.HearingDetails(**{k: data.get(k) for k in CREATE_FIELDS - {"policy"}})
    if "sections" not in data:
        details.sections = None
    hearing = services.create_hearing(g.api_user, policy, details)
    return jsonify(serializers.hearing(hearing, with_code=True)), 201


@bp.post("/hearings/<int:hearing_id>/status")
@write
@token_required
def set_hearing_status(hearing_id: int):
    hearing = queries.get_hearing(hearing_id)
    data = json_body(allowed={"status"})
    hearing = services.set_status(g.api_user, hearing, data.get("status"))
    return jsonify(serializers.hearing(hearing, with_code=True))
