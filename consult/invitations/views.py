"""The invitee's entry point (/invitations/<token>) and the participation page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from consult.core.forms import error_status
from consult.core.transaction import form_transaction, transaction
from consult.errors import DomainError, NotFound, PermissionDenied
from consult.extensions import db, limiter, login_manager
from consult.invitations import forms, permissions, queries, services
from consult.invitations.models import Invitation
from consult.policy.models import Policy
from consult.policy.queries import get_policy, list_public_policies

bp = Blueprint("invitations", __name__)
NO_STORE = {"Cache-Control": "no-store"}


def _limit() -> str:
    return current_app.config["RATELIMIT_INVITATION"]


def chosen_policy() -> Policy:
    """?policy=<slug>, else the first policy listed (admins and moderators see drafts)."""
    slug = request.args.get("policy") or ""
    if slug:
        return get_policy(slug[:80], include_drafts=True)
    policies = list_public_policies(include_drafts=True)
    if not policies:
        raise NotFound(_("No policy is loaded yet."))
    return policies[0]


@bp.get("/invitations/participation")
def participation():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can_view_participation(current_user):
        raise PermissionDenied(_("Only moderators and administrators can see participation."))
    policy = chosen_policy()
    return render_template(
        "invitations/participation.html",
        policy=policy,
        policies=list_public_policies(include_drafts=True),
        figures=queries.get_participation(policy.id),
    )


def _gone(exc: DomainError):
    page = render_template("invitations/gone.html", message=exc.message, status=exc.status)
    return page, exc.status, NO_STORE


def _entry_page(token: str, invitation: Invitation, form=None, status: int = 200):
    account = services.existing_account(invitation)
    page = render_template(
        "invitations/entry.html",
        token=token,
        invitee=invitation.invitee,
        policy=db.session.get(Policy, invitation.invitee.policy_id),
        account_exists=account is not None,
        accept_form=form or forms.AcceptForm(),
        attach_form=forms.AttachForm(),
    )
    return page, status, NO_STORE


@bp.get("/invitations/<token>", endpoint="open")
@limiter.limit(_limit)
def open_link(token: str):
    """Opening the link only notes that it was opened; joining needs a POST."""
    try:
        with transaction():
            invitation = services.open_invitation(token)
    except DomainError as exc:
        return _gone(exc)
    return _entry_page(token, invitation)


@bp.post("/invitations/<token>")
@limiter.limit(_limit)
def accept(token: str):
    try:
        invitation = services.find_invitation(token)
    except DomainError as exc:
        return _gone(exc)
    if current_user.is_authenticated:
        return redirect(url_for("invitations.open", token=token))
    form = forms.AcceptForm()
    status = 0
    if form.validate_on_submit():
        user, status = form_transaction(
            form,
            lambda: services.accept_invitation(
                token, form.display_name.data, form.password.data, form.show_label.data
            ),
        )
        if user is not None:
            login_user(user)
            flash(
                _(
                    "Welcome, %(name)s. Your account is verified by your invitation.",
                    name=user.display_name,
                )
            )
            return redirect(url_for("policy.overview", policy=_policy_slug(invitation)))
    return _entry_page(token, invitation, form, error_status(form, status))


def _policy_slug(invitation: Invitation) -> str:
    return db.session.get(Policy, invitation.invitee.policy_id).slug


@bp.post("/invitations/<token>/attach")
@limiter.limit(_limit)
def attach(token: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    try:
        invitation = services.find_invitation(token)
    except DomainError as exc:
        return _gone(exc)
    form = forms.AttachForm()
    if form.validate_on_submit():
        done, status = form_transaction(
            form,
            lambda: services.attach_invitation(token, current_user, form.show_label.data),
        )
        if done is not None:
            flash(_("The invitation is added to your account, which is now verified by it."))
            return redirect(url_for("policy.overview", policy=_policy_slug(invitation)))
        flash(" ".join(form.form_errors))
        return _entry_page(token, invitation, status=status)
    return _entry_page(token, invitation, status=422)


@bp.post("/account/invitations/<int:invitee_id>/label")
def label_consent(invitee_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    form = forms.AttachForm(prefix=f"inv{invitee_id}")
    if form.validate_on_submit():
        with transaction():
            services.set_label_consent(
                queries.get_invitee(invitee_id), current_user, form.show_label.data
            )
        flash(_("Your choice about the invitation label is saved."))
    return redirect(url_for("accounts.account"))
