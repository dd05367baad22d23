"""Admin pages for "we asked, you said, we did": a comment's or theme's disposition, and
the government's response per section (/moderation/responses)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.transaction import flash_transaction, form_transaction
from consult.errors import NotFound, PermissionDenied
from consult.moderation import disposition_queries, dispositions, forms, permissions, queries
from consult.moderation.desk import desk_required
from consult.moderation.views import bp
from consult.policy.models import Policy
from consult.policy.queries import get_policy, list_public_policies


def _require_responder() -> None:
    if not permissions.can_respond(current_user):
        raise PermissionDenied(_("Only an administrator records the government's response."))


def record_context(comment_id: int) -> dict[str, Any]:
    """What the comment record page needs for its disposition part."""
    return {
        "disposition": dispositions.current_comment_disposition(comment_id),
        "disposition_form": forms.DispositionForm(),
    }


@bp.post("/moderation/comments/<int:comment_id>/disposition")
@desk_required
def comment_disposition(comment_id: int):
    _require_responder()
    c = queries.comment_record(comment_id).item.comment
    form = forms.DispositionForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: %(errors)s", errors=_field_errors(form)))
    elif request.form.get("op") == "clear":
        error = flash_transaction(lambda: dispositions.clear_comment_disposition(current_user, c))
        flash(error or _("The disposition of comment %(id)d is cleared.", id=c.id))
    else:
        error = flash_transaction(
            lambda: dispositions.set_comment_disposition(
                current_user, c, form.disposition.data, form.reason.data
            )
        )
        flash(error or _("The disposition of comment %(id)d is recorded.", id=c.id))
    return redirect(url_for("moderation.comment", comment_id=comment_id) + "#disposition")


def _field_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@bp.post("/moderation/themes/<int:theme_id>/disposition")
@desk_required
def theme_disposition(theme_id: int):
    """The theme's policy comes from the page (?policy=), so the service can refuse a theme
    of another policy instead of trusting the id alone."""
    _require_responder()
    theme = queries.get_theme(theme_id)
    policy = _policy()
    form = forms.DispositionForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: %(errors)s", errors=_field_errors(form)))
    elif request.form.get("op") == "clear":
        error = flash_transaction(
            lambda: dispositions.clear_theme_disposition(current_user, policy, theme)
        )
        flash(error or _("The disposition of “%(name)s” is cleared.", name=theme.name))
    else:
        error = flash_transaction(
            lambda: dispositions.set_theme_disposition(
                current_user, policy, theme, form.disposition.data, form.reason.data
            )
        )
        flash(error or _("The disposition of “%(name)s” is recorded.", name=theme.name))
    return redirect(url_for("moderation.themes", policy=policy.slug) + f"#theme-{theme.id}")


def _policy() -> Policy:
    """The policy of the page: ?policy=<slug>, else the first one listed."""
    slug = request.args.get("policy") or ""
    if slug:
        return get_policy(slug[:80], include_drafts=True)
    policies = list_public_policies(include_drafts=True)
    if not policies:
        raise NotFound(_("No policy is loaded yet."))
    return policies[0]


def _responses_page(policy: Policy, failed: tuple[int, Any] | None = None, status: int = 200):
    """Every live section with its current response and how its comments were answered."""
    current = disposition_queries.section_responses(policy.id)
    answers = disposition_queries.report_dispositions(policy.id)
    sections = [s for s in policy.sections if s.retired_at is None]
    response_forms = {}
    for section in sections:
        if failed and failed[0] == section.id:
            response_forms[section.id] = failed[1]
            continue
        row = current.get(section.id)
        response_forms[section.id] = forms.ResponseForm(
            formdata=None, prefix=f"s{section.id}", body=row.body if row else ""
        )
    return render_template(
        "moderation/responses.html",
        policy=policy,
        policies=list_public_policies(include_drafts=True),
        sections=sections,
        current=current,
        counts=answers.counts,
        response_forms=response_forms,
    ), status


@bp.get("/moderation/responses")
@desk_required
def responses():
    _require_responder()
    return _responses_page(_policy())


@bp.post("/moderation/responses/<int:section_id>")
@desk_required
def write_response(section_id: int):
    _require_responder()
    policy = _policy()
    section = disposition_queries.get_section(policy, section_id)
    form = forms.ResponseForm(prefix=f"s{section.id}")
    if form.validate_on_submit():
        row, status = form_transaction(
            form, lambda: dispositions.write_section_response(current_user, section, form.body.data)
        )
        if row is not None:
            flash(_("The response is saved; it shows in the live report at once."))
            return redirect(
                url_for("moderation.responses", policy=policy.slug) + f"#section-{section.slug}"
            )
        return _responses_page(policy, (section.id, form), status)
    return _responses_page(policy, (section.id, form), 422)
