"""Curation endpoints of the API: themes, tags, featured quotes and private notes."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.api.requests import id_field, json_body
from consult.comments.queries import get_comment
from consult.core.transaction import write
from consult.errors import PermissionDenied, ValidationError
from consult.moderation import curation, permissions, queries
from consult.moderation.models import Theme
from consult.policy.queries import get_policy


def _curator() -> None:
    if not permissions.can_curate(g.api_user):
        raise PermissionDenied("Only moderators can use the curation API.")


def theme_json(theme: Theme, comments: int | None = None) -> dict[str, Any]:
    state = "merged" if theme.merged_into_id else ("retired" if theme.retired_at else "active")
    data: dict[str, Any] = {
        "id": theme.id,
        "name": theme.name,
        "description": theme.description,
        "state": state,
        "merged_into": theme.merged_into_id,
        "created_at": theme.created_at.isoformat(),
        "retired_at": theme.retired_at.isoformat() if theme.retired_at else None,
    }
    if comments is not None:
        data["comments"] = comments
    return data


def _ids(data: dict[str, Any], name: str) -> list[int]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise ValidationError(f"{name} must be a list of ids.", {name: "Not a list."})
    ids = [id_field({name: item}, name) for item in value]
    if None in ids:
        raise ValidationError(f"{name} must hold ids, not null.", {name: "Null id."})
    return [i for i in ids if i is not None]


def _text(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{name} must be text.", {name: "Not text."})
    return value


@bp.get("/moderation/themes")
@token_required
def list_themes():
    """A policy's themes (all states) with how many comments carry each."""
    _curator()
    policy = get_policy((request.args.get("policy") or "")[:80], include_drafts=True)
    rows = queries.theme_overview(policy.id)
    return jsonify(
        {"policy": policy.slug, "themes": [theme_json(r.theme, r.comments) for r in rows]}
    )


@bp.post("/moderation/themes")
@write
@token_required
def create_theme():
    _curator()
    data = json_body(allowed={"policy", "name", "description"})
    policy = get_policy(str(_text(data, "policy") or "")[:80], include_drafts=True)
    theme = curation.create_theme(
        g.api_user, policy, _text(data, "name"), _text(data, "description")
    )
    return jsonify(theme_json(theme)), 201


@bp.patch("/moderation/themes/<int:theme_id>")
@write
@token_required
def rename_theme(theme_id: int):
    _curator()
    data = json_body(allowed={"name", "description"})
    theme = queries.get_theme(theme_id)
    description = _text(data, "description") if "description" in data else ...
    name = _text(data, "name") if "name" in data else theme.name
    return jsonify(theme_json(curation.rename_theme(g.api_user, theme, name, description)))


@bp.post("/moderation/themes/<int:theme_id>/merge")
@write
@token_required
def merge_theme(theme_id: int):
    """Move every tag onto `into` and retire this theme; answers with the target."""
    _curator()
    data = json_body(allowed={"into"})
    into = id_field(data, "into")
    if into is None:
        raise ValidationError("Name the theme to merge into.", {"into": "Missing."})
    source = queries.get_theme(theme_id)
    target = curation.merge_theme(g.api_user, source, queries.get_theme(into))
    return jsonify({"merged": theme_json(source), "into": theme_json(target)})


@bp.post("/moderation/themes/<int:theme_id>/retire")
@write
@token_required
def retire_theme(theme_id: int):
    _curator()
    return jsonify(theme_json(curation.retire_theme(g.api_user, queries.get_theme(theme_id))))


@bp.post("/moderation/themes/<int:theme_id>/reinstate")
@write
@token_required
def reinstate_theme(theme_id: int):
    _curator()
    return jsonify(theme_json(curation.reinstate_theme(g.api_user, queries.get_theme(theme_id))))


@bp.post("/moderation/tags")
@write
@token_required
def tag_comments():
    """Add and remove themes on up to 200 comments: all of them, or none."""
    _curator()
    data = json_body(allowed={"comments", "add", "remove"})
    change = curation.tag_comments(
        g.api_user, _ids(data, "comments"), _ids(data, "add"), _ids(data, "remove")
    )
    return jsonify({"added": change.added, "removed": change.removed})


@bp.get("/moderation/comments/<int:comment_id>")
@token_required
def comment_record(comment_id: int):
    """One comment's desk record: themes, quote, private notes and actions taken."""
    _curator()
    record = queries.comment_record(comment_id)
    item = record.item
    return jsonify(
        {
            "id": item.comment.id,
            "status": item.comment.status,
            "moderation_reason": item.comment.moderation_reason,
            "token": item.token,
            "themes": [theme_json(t) for t in item.themes],
            "featured": item.featured,
            "notes": [
                {
                    "id": note.id,
                    "author": author,
                    "body": note.body,
                    "created_at": note.created_at.isoformat(),
                }
                for note, author in record.notes
            ],
            "actions": [
                {
                    "action": a.action,
                    "reason": a.reason,
                    "created_at": a.created_at.isoformat(),
                }
                for a in record.history
            ],
        }
    )


@bp.put("/moderation/comments/<int:comment_id>/featured")
@write
@token_required
def feature_comment(comment_id: int):
    _curator()
    curation.feature_comment(g.api_user, get_comment(comment_id))
    return jsonify({"id": comment_id, "featured": True})


@bp.delete("/moderation/comments/<int:comment_id>/featured")
@write
@token_required
def unfeature_comment(comment_id: int):
    _curator()
    curation.unfeature_comment(g.api_user, get_comment(comment_id))
    return jsonify({"id": comment_id, "featured": False})


@bp.post("/moderation/comments/<int:comment_id>/notes")
@write
@token_required
def add_note(comment_id: int):
    _curator()
    data = json_body(allowed={"body"})
    comment = get_comment(comment_id)
    note = curation.add_note(g.api_user, comment, _text(data, "body"))
    return jsonify(
        {"id": note.id, "body": note.body, "created_at": note.created_at.isoformat()}
    ), 201
