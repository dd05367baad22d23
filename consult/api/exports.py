"""Exports over the API: the report page's files, for moderators' and admins' tokens."""

from __future__ import annotations

from flask import g, request

from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.errors import PermissionDenied
from consult.policy.queries import get_policy
from consult.reports import exports, permissions
from consult.reports.downloads import export_response, personal_data_arg
from consult.reports.filters import read_filters


@bp.get("/policies/<policy>/exports/<kind>")
@token_required
def export(policy: str, kind: str):
    """comments, responses or hearings as ?format=csv|xlsx|json, with the report's filters."""
    user = g.api_user
    p = get_policy(policy, include_drafts=permissions.can_open_draft(user))
    personal = personal_data_arg(request.args.get("emails"))
    refusal = permissions.export_refusal(user, personal_data=personal)
    if refusal:
        raise PermissionDenied(refusal)
    kind = exports.get_kind(kind).name
    fmt = exports.get_format(request.args.get("format", "csv")).name
    options = exports.ExportOptions(p, read_filters(p), permissions.export_audience(user), personal)
    return export_response(kind, fmt, options, actor_id=user.id, via="api")
