"""Comment endpoints of the API: same services as the pages, JSON in and out."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from consult.api import serializers
from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.api.requests import choice_arg, id_field, int_arg, json_body
from consult.comments import queries, services
from consult.comments.limits import posting_limit
from consult.core.transaction import write
from consult.errors import NotFound, ValidationError
from consult.policy import queries as policy_queries


@bp.get("/policies/<policy>/sections/<section>/comments")
def list_comments(policy: str, section: str):
    page = policy_queries.get_section_page(policy, section)
    objective = request.args.get("objective") or None
    if objective and objective not in {o.key for o in page.section.objectives}:
        raise NotFound(f"No objective {objective[:20]} in this section.")
    thread = queries.get_thread(
        page.section,
        objective_key=objective,
        sort=choice_arg("sort", queries.SORTS, "new"),
        page=int_arg("page", 1, minimum=1),
        per_page=int_arg("per_page", 20, minimum=1, maximum=100),
        published_only=True,
    )

    def flatten(nodes) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for node in nodes:
            out.append(serializers.comment(node.comment))
            out.extend(flatten(node.children))
        return out

    return jsonify(
        {
            "comments": flatten(thread.page.items),
            "total": thread.page.total,
            "page": thread.page.page,
            "per_page": thread.page.per_page,
            "sort": thread.sort,
        }
    )


@bp.post("/policies/<policy>/sections/<section>/comments")
@write
@token_required
@posting_limit
def create_comment(policy: str, section: str):
    page = policy_queries.get_section_page(policy, section)
    data = json_body(allowed={"body", "objective", "parent_id", "stance"})
    parent_id = id_field(data, "parent_id")
    objective = data.get("objective")
    if objective is not None and not isinstance(objective, str):
        raise ValidationError("objective must be a key such as NC-1.", {"objective": "Not text."})
    result = services.post_comment(
        g.api_user,
        page.section,
        data.get("body"),
        objective_key=objective,
        parent_id=parent_id,
        stance=data.get("stance"),
    )
    status = 201 if result.created else 200
    return jsonify(serializers.comment(result.comment, include_status=True)), status


@bp.patch("/comments/<int:comment_id>")
@write
@token_required
def edit_comment(comment_id: int):
    comment = queries.get_comment(comment_id)
    data = json_body(allowed={"body", "stance"})
    services.edit_comment(
        g.api_user, comment, data.get("body", comment.body), data.get("stance", ...)
    )
    return jsonify(serializers.comment(comment, include_status=True))


@bp.post("/comments/<int:comment_id>/withdrawal")
@write
@token_required
def withdraw_comment(comment_id: int):
    comment = services.withdraw_comment(g.api_user, queries.get_comment(comment_id))
    return jsonify({"id": comment.id, "status": comment.status})


@bp.post("/comments/<int:comment_id>/endorsements")
@write
@token_required
def endorse(comment_id: int):
    data = json_body(allowed={"value"})
    comment = services.endorse_comment(
        g.api_user, queries.get_comment(comment_id), data.get("value")
    )
    return jsonify(
        {
            "value": data["value"],
            "endorsements": {"agree": comment.agree_count, "disagree": comment.disagree_count},
        }
    )


@bp.delete("/comments/<int:comment_id>/endorsements")
@write
@token_required
def withdraw_endorsement(comment_id: int):
    comment = services.withdraw_endorsement(g.api_user, queries.get_comment(comment_id))
    return jsonify(
        {
            "value": None,
            "endorsements": {"agree": comment.agree_count, "disagree": comment.disagree_count},
        }
    )


@bp.post("/comments/<int:comment_id>/flags")
@write
@token_required
def flag(comment_id: int):
    data = json_body(allowed={"reason", "note"})
    item = services.flag_comment(
        g.api_user, queries.get_comment(comment_id), data.get("reason"), data.get("note")
    )
    return jsonify(
        {
            "id": item.id,
            "comment_id": item.comment_id,
            "reason": item.reason,
            "message": "Thank you. The moderators have received your report.",
        }
    ), 201
