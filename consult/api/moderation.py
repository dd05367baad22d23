"""Moderation endpoints of the API: the queue, actions (one or bulk), suspensions."""

from __future__ import annotations

from datetime import datetime

from flask import g, jsonify

from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.api.requests import id_field, int_arg, json_body
from consult.comments.serializers import comment_json
from consult.core.transaction import write
from consult.errors import NotFound, PermissionDenied, ValidationError
from consult.moderation import permissions, queries, services
from consult.moderation.filters import queue_filters


def _desk() -> None:
    if not permissions.can_use_desk(g.api_user):
        raise PermissionDenied("Only moderators can use the moderation API.")


def _item(item: queries.QueueItem) -> dict:
    return {
        "comment": {**comment_json(item.comment, private=True), "section": item.section.slug},
        "token": item.token,
        "flags": [
            {"reason": f.reason, "note": f.note, "created_at": f.created_at.isoformat()}
            for f in item.flags
        ],
        "parent": {"id": item.parent.id, "body": item.parent.body} if item.parent else None,
        "hearing_id": item.comment.hearing_id,
        "themes": [{"id": t.id, "name": t.name} for t in item.themes],
        "featured": item.featured,
        "notes": item.notes,
        # Why the spam heuristics held it, or null: {"reason", "terms"} or {"reason", "links"}.
        "hold": item.hold,
        "author_history": {
            "earlier_hides": item.earlier_hides,
            "suspended_before": item.author_banned,
        },
    }


@bp.get("/moderation/queue")
@token_required
def moderation_queue():
    _desk()
    filters = queue_filters()
    page = queries.get_queue(
        filters, int_arg("page", 1), int_arg("per_page", queries.QUEUE_PER_PAGE, maximum=100)
    )
    return jsonify(
        {
            "items": [_item(i) for i in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


def _text(data: dict, name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{name} must be text.", {name: "Not text."})
    return value


def _result(comments: list) -> dict:
    return {
        "comments": [
            {"id": c.id, "status": c.status, "moderation_reason": c.moderation_reason}
            for c in comments
        ]
    }


@bp.post("/moderation/comments/<int:comment_id>/actions")
@write
@token_required
def moderate_comment(comment_id: int):
    _desk()
    data = json_body(allowed={"action", "reason", "note", "token"})
    selection = [services.Selection(comment_id, _text(data, "token"))]
    done = services.act_on_comments(
        g.api_user,
        selection,
        _text(data, "action") or "",
        _text(data, "reason"),
        _text(data, "note"),
    )
    comment = done[0]
    return jsonify(
        {"id": comment.id, "status": comment.status, "moderation_reason": comment.moderation_reason}
    )


@bp.post("/moderation/actions")
@write
@token_required
def moderate_bulk():
    """One action on many comments: all of them, or none with the first problem named."""
    _desk()
    data = json_body(allowed={"action", "reason", "note", "comments"})
    items = data.get("comments")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError(
            'comments must be a list of {"id", "token"?} objects.', {"comments": "Not a list."}
        )
    selection = []
    for item in items:
        unknown = set(item) - {"id", "token"}
        if unknown:
            raise ValidationError("Unknown field in comments.", {"comments": "Unknown field."})
        comment_id = id_field(item, "id")
        if comment_id is None:
            raise ValidationError("Each comment needs an id.", {"comments": "Missing id."})
        selection.append(services.Selection(comment_id, _text(item, "token")))
    done = services.act_on_comments(
        g.api_user,
        selection,
        _text(data, "action") or "",
        _text(data, "reason"),
        _text(data, "note"),
    )
    return jsonify(_result(done))


def _account(user_id: int):
    target = queries.get_account(user_id)
    if target is None:
        raise NotFound("No such account.")
    return target


@bp.post("/moderation/users/<int:user_id>/ban")
@write
@token_required
def ban_account(user_id: int):
    _desk()
    data = json_body(allowed={"reason", "until", "note"})
    until_raw = _text(data, "until")
    until = None
    if until_raw:
        try:
            until = datetime.fromisoformat(until_raw)
        except ValueError:
            raise ValidationError(
                "until must be an ISO 8601 date-time with a time zone.", {"until": "Not a date."}
            ) from None
        if until.tzinfo is None:
            raise ValidationError("until needs a time zone, e.g. +05:00.", {"until": "No zone."})
    target = services.ban_account(
        g.api_user, _account(user_id), _text(data, "reason"), until, _text(data, "note")
    )
    return jsonify(
        {
            "id": target.id,
            "suspended": target.is_banned,
            "until": target.banned_until.isoformat() if target.banned_until else None,
            "reason": target.ban_reason,
        }
    )


@bp.delete("/moderation/users/<int:user_id>/ban")
@write
@token_required
def unban_account(user_id: int):
    _desk()
    target = services.unban_account(g.api_user, _account(user_id))
    return jsonify({"id": target.id, "suspended": target.is_banned})
