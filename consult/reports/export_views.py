"""Export downloads from the report page (moderators and admins), with its filters."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from consult.errors import PermissionDenied
from consult.policy.queries import get_policy
from consult.reports import exports, permissions
from consult.reports.downloads import export_response, personal_data_arg
from consult.reports.filters import read_filters
from consult.reports.views import bp


@bp.get("/policies/<policy>/report/export/<kind>.<fmt>")
@bp.get("/policies/<policy>/report/export", defaults={"kind": None, "fmt": None})
def export(policy: str, kind: str | None, fmt: str | None):
    """One export as a file; the form on the report sends kind and format as arguments."""
    p = get_policy(policy, include_drafts=permissions.can_open_draft(current_user))
    personal = personal_data_arg(request.args.get("emails"))
    refusal = permissions.export_refusal(current_user, personal_data=personal)
    if refusal:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        raise PermissionDenied(refusal)
    kind = exports.get_kind(kind or request.args.get("kind", "")).name
    fmt = exports.get_format(fmt or request.args.get("format", "")).name
    options = exports.ExportOptions(
        p, read_filters(p), permissions.export_audience(current_user), personal
    )
    return export_response(kind, fmt, options, actor_id=current_user.id, via="web")
