"""Institutional submissions: a body's public response page, the representative's draft,
and attachment downloads (as attachments only, never rendered by the browser)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.transaction import flash_transaction, form_transaction
from consult.errors import NotFound, PermissionDenied
from consult.extensions import csrf, db, login_manager
from consult.invitations import permissions, queries, submissions
from consult.invitations.forms import ButtonForm, PointForm, StatementForm
from consult.invitations.models import SubmissionAttachment, SubmissionPoint
from consult.invitations.views import NO_STORE, bp
from consult.policy.models import Policy


def _signed_in_or_login():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.get("/bodies/<int:body_id>/response")
def body_response(body_id: int):
    body = queries.get_body(body_id)
    versions = submissions.list_versions(body, current_user)
    may_submit = permissions.can_submit(current_user, body)
    if not versions and not may_submit:
        raise NotFound(_("This body has not published a response."))
    return render_template(
        "invitations/response.html",
        body=body,
        policy=db.session.get(Policy, body.policy_id),
        versions=versions,
        may_submit=may_submit,
        button=ButtonForm(),
    )


def _draft_page(submission, status: int = 200, **forms_):
    policy = db.session.get(Policy, submission.policy_id)
    point_form = forms_.get("point_form") or PointForm()
    point_form.section.choices = [(s.slug, s.title.get("en", s.slug)) for s in policy.sections]
    page = render_template(
        "invitations/response_draft.html",
        submission=submission,
        policy=policy,
        statement_form=forms_.get("statement_form") or StatementForm(obj=submission, formdata=None),
        point_form=point_form,
        upload_error=forms_.get("upload_error"),
        button=ButtonForm(),
    )
    return page, status, NO_STORE


@bp.post("/bodies/<int:body_id>/response/draft")
def start_draft(body_id: int):
    if (login := _signed_in_or_login()) is not None:
        return login
    body = queries.get_body(body_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    result = {}
    error = flash_transaction(
        lambda: result.setdefault("d", submissions.start_draft(current_user, body))
    )
    if error:
        raise PermissionDenied(error)
    return redirect(url_for("invitations.draft", submission_id=result["d"].id))


def _own_draft(submission_id: int):
    submission = submissions.get_submission(submission_id)
    refusal = permissions.submit_refusal(current_user, submission.body)
    if refusal:
        raise PermissionDenied(refusal)
    return submission


@bp.get("/submissions/<int:submission_id>")
def draft(submission_id: int):
    if (login := _signed_in_or_login()) is not None:
        return login
    return _draft_page(_own_draft(submission_id))


@bp.post("/submissions/<int:submission_id>/statement")
def save_statement(submission_id: int):
    if (login := _signed_in_or_login()) is not None:
        return login
    submission = _own_draft(submission_id)
    form = StatementForm()
    if form.validate_on_submit():
        _r, status = form_transaction(
            form,
            lambda: submissions.save_draft(
                current_user, submission, form.statement.data, form.unpublished.data
            ),
        )
        if not status:
            flash(_("The draft is saved."))
            return redirect(url_for("invitations.draft", submission_id=submission.id))
        return _draft_page(submission, status, statement_form=form)
    return _draft_page(submission, 422, statement_form=form)


@bp.post("/submissions/<int:submission_id>/points")
def add_point(submission_id: int):
    if (login := _signed_in_or_login()) is not None:
        return login
    submission = _own_draft(submission_id)
    form = PointForm()
    if form.validate_on_submit():
        point, status = form_transaction(
            form,
            lambda: submissions.add_point(
                current_user,
                submission,
                form.section.data,
                (form.objective.data or "").strip() or None,
                form.stance.data,
                form.body.data,
            ),
        )
        if point is not None:
            return redirect(url_for("invitations.draft", submission_id=submission.id))
        return _draft_page(submission, status, point_form=form)
    return _draft_page(submission, 422, point_form=form)


@bp.post("/submissions/points/<int:point_id>/remove")
def remove_point(point_id: int):
    if (login := _signed_in_or_login()) is not None:
        return login
    point = db.session.get(SubmissionPoint, point_id)
    if point is None:
        raise NotFound(_("No such comment."))
    submission = _own_draft(point.submission_id)
    if ButtonForm().validate_on_submit():
        flash(flash_transaction(lambda: submissions.remove_point(current_user, point)) or "")
    return redirect(url_for("invitations.draft", submission_id=submission.id))


@bp.post("/submissions/<int:submission_id>/attachments")
def upload(submission_id: int):
    """Attach a PDF. The global CSRF hook is off for this view (it would parse the body
    under the app's 2 MB limit before the view raises it); `ButtonForm` checks the token."""
    if (login := _signed_in_or_login()) is not None:
        return login
    # PDFs up to 10 MB here only; every other request keeps the app's 2 MB limit.
    request.max_content_length = submissions.MAX_ATTACHMENT_BYTES + 64 * 1024
    submission = _own_draft(submission_id)
    form = ButtonForm()
    file = request.files.get("file")
    if not form.validate_on_submit() or file is None:
        return _draft_page(submission, 422, upload_error=_("Choose a PDF file."))
    try:
        data = file.read(submissions.MAX_ATTACHMENT_BYTES + 1)
    finally:
        file.close()  # large uploads are spooled to a temporary file
    form_ = StatementForm(formdata=None)
    _r, status = form_transaction(
        form_, lambda: submissions.add_attachment(current_user, submission, file.filename, data)
    )
    if status:
        return _draft_page(submission, status, upload_error=" ".join(form_.form_errors))
    flash(_("The file is attached."))
    return redirect(url_for("invitations.draft", submission_id=submission.id))


@bp.post("/submissions/attachments/<int:attachment_id>/remove")
def remove_attachment(attachment_id: int):
    """Take a wrongly attached file off a draft (a submitted version is never changed)."""
    if (login := _signed_in_or_login()) is not None:
        return login
    attachment = db.session.get(SubmissionAttachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    submission = _own_draft(attachment.submission_id)
    if ButtonForm().validate_on_submit():
        name = attachment.filename
        error = flash_transaction(lambda: submissions.remove_attachment(current_user, attachment))
        flash(error or _("%(name)s is no longer attached.", name=name))
    return redirect(url_for("invitations.draft", submission_id=submission.id))


@bp.post("/submissions/<int:submission_id>/submit")
def submit(submission_id: int):
    if (login := _signed_in_or_login()) is not None:
        return login
    submission = _own_draft(submission_id)
    if ButtonForm().validate_on_submit():
        error = flash_transaction(lambda: submissions.submit(current_user, submission))
        if error:
            flash(error)
            return redirect(url_for("invitations.draft", submission_id=submission.id))
        flash(_("The response is submitted. Thank you."))
    return redirect(url_for("invitations.body_response", body_id=submission.body_id))


@bp.get("/submissions/attachments/<int:attachment_id>")
def download(attachment_id: int):
    attachment = db.session.get(SubmissionAttachment, attachment_id)
    if attachment is None or not submissions.can_read(current_user, attachment.submission):
        raise NotFound(_("No such file."))
    path = submissions.attachment_path(attachment)
    if not path.is_file():
        raise NotFound(_("No such file."))
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# See `upload`: the token is checked by the view's form, after the size limit is raised.
csrf.exempt(upload)
