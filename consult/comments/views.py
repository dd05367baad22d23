"""Comment pages and actions; each loads, calls one service, commits once, redirects."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.comments import forms, permissions, queries, services
from consult.comments.limits import posting_limit
from consult.comments.models import Comment
from consult.core.forms import error_status
from consult.core.sanitize import render_markdown
from consult.core.transaction import flash_transaction, form_transaction, transaction
from consult.errors import PermissionDenied
from consult.policy import queries as policy_queries
from consult.policy.views import render_section_page

bp = Blueprint("comments", __name__)


def comment_url(comment: Comment, **args) -> str:
    section = comment.section
    return url_for(
        "policy.section",
        policy=section.policy.slug,
        section=section.slug,
        _anchor=f"comment-{comment.id}",
        **args,
    )


@bp.post("/policies/<policy>/sections/<section>/comments")
@login_required
@posting_limit
def create(policy: str, section: str):
    form = forms.CommentForm()
    page = policy_queries.get_section_page(policy, section)
    form.set_objectives(page.section.objectives)
    status = 0
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
            return render_section_page(
                policy, section, comments={"form": form, "preview_html": preview}
            )
        result, status = form_transaction(
            form,
            lambda: services.post_comment(
                current_user,
                page.section,
                form.body.data,
                objective_key=form.objective.data or None,
                stance=form.stance.data or None,
            ),
        )
        if result is not None:
            if result.comment.status == "pending":
                flash(_("Thank you. Your comment will appear once a moderator approves it."))
            else:
                flash(_("Thank you. Your comment is published."))
            return redirect(comment_url(result.comment))
    return render_section_page(
        policy, section, status=error_status(form, status), comments={"form": form}
    )


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    return redirect(comment_url(queries.get_comment(comment_id)))


def _comment_page(template: str, comment: Comment, form, status: int = 200, **extra):
    return render_template(
        template,
        comment=comment,
        section=comment.section,
        policy=comment.section.policy,
        form=form,
        **extra,
    ), status


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@login_required
@posting_limit
def reply(comment_id: int):
    parent = queries.get_comment(comment_id)
    form = forms.ReplyForm()
    preview, status = None, 0
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            result, status = form_transaction(
                form,
                lambda: services.post_comment(
                    current_user,
                    parent.section,
                    form.body.data,
                    parent_id=parent.id,
                    stance=form.stance.data or None,
                ),
            )
            if result is not None:
                flash(
                    _("Thank you. Your reply is published.")
                    if result.comment.status == "published"
                    else _("Thank you. Your reply will appear once a moderator approves it.")
                )
                return redirect(comment_url(result.comment))
    return _comment_page(
        "comments/reply.html", parent, form, error_status(form, status), preview_html=preview
    )


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int):
    comment = queries.get_comment(comment_id)
    if not permissions.is_author(current_user, comment):
        raise PermissionDenied(_("Only its author can edit a comment."))
    form = forms.EditForm(obj=comment if request.method == "GET" else None)
    status = 0
    if form.validate_on_submit():
        edited, status = form_transaction(
            form,
            lambda: services.edit_comment(
                current_user, comment, form.body.data, form.stance.data or None
            ),
        )
        if edited is not None:
            flash(
                _("Your comment is updated. It will appear once a moderator approves it.")
                if edited.status == "pending"
                else _("Your comment is updated.")
            )
            return redirect(comment_url(comment))
    status = error_status(form, status)
    return _comment_page(
        "comments/edit.html",
        comment,
        form,
        status,
        revisions=queries.list_revisions(comment),
        may_edit=permissions.can_edit(current_user, comment, comment.section.policy),
    )


@bp.route("/comments/<int:comment_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(comment_id: int):
    comment = queries.get_comment(comment_id)
    form = forms.EndorseForm(value="withdraw")
    if request.method == "POST" and form.validate_on_submit():
        with transaction():
            services.withdraw_comment(current_user, comment)
        flash(_("Your comment is withdrawn. Replies to it stay in place."))
        return redirect(comment_url(comment))
    if not permissions.can_withdraw(current_user, comment):
        raise PermissionDenied(_("Only its author can withdraw this comment."))
    return _comment_page("comments/withdraw.html", comment, form)


@bp.post("/comments/<int:comment_id>/endorse")
@login_required
def endorse(comment_id: int):
    comment = queries.get_comment(comment_id)
    form = forms.EndorseForm()
    if form.validate_on_submit():
        value = form.value.data
        error = flash_transaction(
            lambda: (
                services.withdraw_endorsement(current_user, comment)
                if value == "withdraw"
                else services.endorse_comment(current_user, comment, value)
            )
        )
        if error:
            flash(error)
    return redirect(_back_to_thread(comment))


def _back_to_thread(comment: Comment) -> str:
    """Return to the same sort, filter and page the reader was on."""
    args = {k: v for k, v in request.args.items() if k in ("sort", "objective", "page")}
    return comment_url(comment, **args)


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
@login_required
def flag(comment_id: int):
    comment = queries.get_comment(comment_id)
    form = forms.FlagForm()
    status = 0
    if form.validate_on_submit():
        flagged, status = form_transaction(
            form,
            lambda: services.flag_comment(current_user, comment, form.reason.data, form.note.data),
        )
        if flagged is not None:
            flash(_("Thank you. The moderators have received your report."))
            return redirect(comment_url(comment))
    return _comment_page("comments/flag.html", comment, form, error_status(form, status))


@bp.errorhandler(429)
def posting_too_fast(exc):
    """Keep what the person typed when they post too fast, with a clear message."""
    message = _(
        "You are posting too quickly. Wait a minute, then send it again; your text is kept below."
    )
    if request.endpoint == "comments.create":
        form = forms.CommentForm()
        form.form_errors.append(message)
        args = request.view_args or {}
        return render_section_page(
            args["policy"], args["section"], status=429, comments={"form": form}
        )
    if request.endpoint == "comments.reply":
        form = forms.ReplyForm()
        form.form_errors.append(message)
        parent = queries.get_comment(request.view_args["comment_id"])
        return _comment_page("comments/reply.html", parent, form, 429)
    return render_template("errors/error.html", status=429, message=None), 429
