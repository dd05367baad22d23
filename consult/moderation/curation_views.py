"""Desk pages for curation: themes, tagging, one comment's record, quotes and notes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from consult.core.i18n import is_local_url
from consult.core.transaction import flash_transaction, form_transaction
from consult.errors import NotFound
from consult.moderation import curation, disposition_queries, forms, queries
from consult.moderation.desk import desk_required
from consult.moderation.disposition_views import record_context
from consult.moderation.views import bp
from consult.policy.models import Policy
from consult.policy.queries import get_policy, list_public_policies


def _policy() -> Policy:
    """The policy whose themes are shown: ?policy=<slug>, else the first one listed."""
    slug = request.args.get("policy") or ""
    if slug:
        return get_policy(slug[:80], include_drafts=True)
    policies = list_public_policies(include_drafts=True)
    if not policies:
        raise NotFound(_("No policy is loaded yet."))
    return policies[0]


def _themes_page(policy: Policy, form=None, status: int = 200):
    return render_template(
        "moderation/themes.html",
        policy=policy,
        policies=list_public_policies(include_drafts=True),
        rows=queries.theme_overview(policy.id),
        dispositions=disposition_queries.theme_dispositions(policy.id),
        disposition_form=forms.DispositionForm(),
        form=form or forms.ThemeForm(),
        merge_form=forms.MergeForm(),
    ), status


@bp.get("/moderation/themes")
@desk_required
def themes():
    return _themes_page(_policy())


@bp.post("/moderation/themes")
@desk_required
def create_theme():
    policy = _policy()
    form = forms.ThemeForm()
    if form.validate_on_submit():
        theme, status = form_transaction(
            form,
            lambda: curation.create_theme(
                current_user, policy, form.name.data, form.description.data
            ),
        )
        if theme is not None:
            flash(_("Theme “%(name)s” created.", name=theme.name))
            return redirect(url_for("moderation.themes", policy=policy.slug))
        return _themes_page(policy, form, status)
    return _themes_page(policy, form, 422)


def _back_to_themes(theme_id: int):
    theme = queries.get_theme(theme_id)
    return redirect(url_for("moderation.themes", policy=theme.policy.slug))


@bp.post("/moderation/themes/<int:theme_id>/rename")
@desk_required
def rename_theme(theme_id: int):
    theme = queries.get_theme(theme_id)
    form = forms.ThemeForm()
    if form.validate_on_submit():
        done, _status = form_transaction(
            form,
            lambda: curation.rename_theme(
                current_user, theme, form.name.data, form.description.data
            ),
        )
        flash(
            _("Theme renamed to “%(name)s”.", name=done.name)
            if done is not None
            else " ".join(str(e) for e in form.form_errors)
        )
    else:
        flash(_("Nothing was changed: %(errors)s", errors=_field_errors(form)))
    return _back_to_themes(theme_id)


def _field_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@bp.post("/moderation/themes/<int:theme_id>/merge")
@desk_required
def merge_theme(theme_id: int):
    source = queries.get_theme(theme_id)
    form = forms.MergeForm()
    if form.validate_on_submit() and isinstance(form.into.data, int):

        def merge():
            return curation.merge_theme(current_user, source, queries.get_theme(form.into.data))

        target, _status = form_transaction(form, merge)
        flash(
            _("“%(source)s” merged into “%(target)s”.", source=source.name, target=target.name)
            if target is not None
            else " ".join(str(e) for e in form.form_errors)
        )
    else:
        flash(_("Nothing was changed: choose the theme to merge into."))
    return _back_to_themes(theme_id)


@bp.post("/moderation/themes/<int:theme_id>/retire")
@desk_required
def retire_theme(theme_id: int):
    theme = queries.get_theme(theme_id)
    error = flash_transaction(lambda: curation.retire_theme(current_user, theme))
    flash(error or _("“%(name)s” is retired: its tags stay, no new ones.", name=theme.name))
    return _back_to_themes(theme_id)


@bp.post("/moderation/themes/<int:theme_id>/reinstate")
@desk_required
def reinstate_theme(theme_id: int):
    theme = queries.get_theme(theme_id)
    error = flash_transaction(lambda: curation.reinstate_theme(current_user, theme))
    flash(error or _("“%(name)s” is in use again.", name=theme.name))
    return _back_to_themes(theme_id)


def _back(default: str):
    target = request.form.get("next")
    return redirect(target if is_local_url(target) else default)


@bp.post("/moderation/tags")
@desk_required
def tag():
    """Add or remove a theme on the ticked comments: the queue's bulk tagging, one comment's."""
    form = forms.TagForm()
    if form.validate_on_submit():
        theme_id = form.theme_id()
        add = [theme_id] if theme_id and form.op.data == "add" else []
        remove = [theme_id] if theme_id and form.op.data == "remove" else []
        change, _status = form_transaction(
            form, lambda: curation.tag_comments(current_user, form.comment_ids(), add, remove)
        )
        if change is not None:
            flash(
                ngettext("%(num)d tag added.", "%(num)d tags added.", change.added)
                if add
                else ngettext("%(num)d tag removed.", "%(num)d tags removed.", change.removed)
            )
        else:
            flash(" ".join(str(e) for e in form.form_errors))
    else:
        flash(_("Nothing was changed: %(errors)s", errors=_field_errors(form)))
    return _back(url_for("moderation.queue"))


@bp.get("/moderation/comments/<int:comment_id>")
@desk_required
def comment(comment_id: int):
    """One comment's record: context, reports, themes, quote, private notes, history."""
    record = queries.comment_record(comment_id)
    return render_template(
        "moderation/comment.html",
        record=record,
        c=record.item.comment,
        form=forms.ActionForm(),
        tag_form=forms.TagForm(),
        note_form=forms.NoteForm(),
        **record_context(comment_id),
    )


@bp.post("/moderation/comments/<int:comment_id>/feature")
@desk_required
def feature(comment_id: int):
    c = queries.comment_record(comment_id).item.comment
    on = request.form.get("featured") == "1"
    error = flash_transaction(
        lambda: (curation.feature_comment if on else curation.unfeature_comment)(current_user, c)
    )
    flash(
        error
        or (
            _("Comment %(id)d is quoted in the report.", id=c.id)
            if on
            else _("Comment %(id)d is no longer quoted.", id=c.id)
        )
    )
    return _back(url_for("moderation.comment", comment_id=comment_id))


@bp.post("/moderation/comments/<int:comment_id>/notes")
@desk_required
def add_note(comment_id: int):
    record = queries.comment_record(comment_id)
    form = forms.NoteForm()
    status = 422
    if form.validate_on_submit():
        note, status = form_transaction(
            form, lambda: curation.add_note(current_user, record.item.comment, form.body.data)
        )
        if note is not None:
            flash(_("Note added."))
            return redirect(url_for("moderation.comment", comment_id=comment_id) + "#notes")
    return render_template(
        "moderation/comment.html",
        record=record,
        c=record.item.comment,
        form=forms.ActionForm(),
        tag_form=forms.TagForm(),
        note_form=form,
        **record_context(comment_id),
    ), status
