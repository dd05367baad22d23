"""Administrators' pages (/admin/invitations/): bodies, invitees, the CSV import, sending."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from consult.core.params import choice_arg, int_arg
from consult.core.transaction import flash_transaction, form_transaction, transaction
from consult.errors import PermissionDenied
from consult.extensions import db, login_manager
from consult.invitations import forms, permissions, queries, services
from consult.invitations.views import bp, chosen_policy
from consult.policy.models import Policy
from consult.policy.queries import list_public_policies


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor to sign in; refuse a signed-in non-administrator with 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not permissions.can_manage_invitations(current_user):
            raise PermissionDenied(_("Only administrators can manage invitations."))
        return view(*args, **kwargs)

    return wrapper


def _index(policy: Policy):
    return redirect(url_for("invitations.index", policy=policy.slug))


@bp.get("/admin/invitations/")
@admin_required
def index():
    policy = chosen_policy()
    state = choice_arg("state", queries.STATES, "") or None
    return render_template(
        "invitations/admin/index.html",
        policy=policy,
        policies=list_public_policies(include_drafts=True),
        rows=queries.list_invitees(policy.id, state, int_arg("page", 1)),
        state=state,
        states=queries.STATES,
        unsent=len(queries.list_unsent_ids(policy.id)),
        button=forms.ButtonForm(),
    )


def _import_page(policy: Policy, form, report=None, status: int = 200):
    return render_template(
        "invitations/admin/import.html", policy=policy, form=form, report=report
    ), status


@bp.route("/admin/invitations/import", methods=["GET", "POST"])
@admin_required
def import_invitees():
    policy = chosen_policy()
    form = forms.ImportForm()
    if not form.validate_on_submit():
        return _import_page(policy, form, status=422 if request.method == "POST" else 200)
    try:
        data = form.file.data.read(services.csvimport.MAX_BYTES + 1)
    finally:
        form.file.data.close()  # large uploads are spooled to a temporary file
    dry_run = not form.apply.data
    with transaction():
        report = services.import_invitees(
            policy, data, dry_run=dry_run, actor_id=current_user.id, source="admin"
        )
    if report.ok and not dry_run:
        flash(
            _(
                "Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            )
        )
        return _index(policy)
    return _import_page(policy, form, report, 200 if report.ok else 422)


def _bodies_page(policy: Policy, form=None, status: int = 200):
    return render_template(
        "invitations/admin/bodies.html",
        policy=policy,
        bodies=queries.list_bodies(policy.id),
        form=form or forms.BodyForm(),
    ), status


@bp.route("/admin/invitations/bodies", methods=["GET", "POST"])
@admin_required
def bodies():
    policy = chosen_policy()
    if request.method == "GET":
        return _bodies_page(policy)
    form = forms.BodyForm()
    status = 422
    if form.validate_on_submit():
        body, status = form_transaction(
            form,
            lambda: services.create_body(
                policy, form.name.data, form.kind.data, form.contact.data, current_user.id
            ),
        )
        if body is not None:
            flash(_("Body “%(name)s” added.", name=body.name))
            return redirect(url_for("invitations.bodies", policy=policy.slug))
    return _bodies_page(policy, form, status)


@bp.route("/admin/invitations/bodies/<int:body_id>", methods=["GET", "POST"])
@admin_required
def edit_body(body_id: int):
    body = queries.get_body(body_id)
    policy = db.session.get(Policy, body.policy_id)
    form = forms.BodyForm(obj=body)
    status = 200
    if form.validate_on_submit():
        done, status = form_transaction(
            form,
            lambda: services.update_body(
                body, form.name.data, form.kind.data, form.contact.data, current_user.id
            ),
        )
        if done is not None:
            flash(_("Body “%(name)s” saved.", name=body.name))
            return redirect(url_for("invitations.bodies", policy=policy.slug))
    elif request.method == "POST":
        status = 422
    page = render_template("invitations/admin/body.html", policy=policy, body=body, form=form)
    return page, status


def _invitee_data(form: forms.InviteeForm) -> services.InviteeData:
    return services.InviteeData(
        email=form.email.data,
        name=form.name.data,
        body_id=form.body_value(),
        affiliation=form.affiliation.data,
        stakeholder_group=form.stakeholder_group.data,
        province=form.province.data or None,
        representative=form.representative.data,
    )


def _invitee_page(policy: Policy, form, invitee=None, status: int = 200):
    page = render_template(
        "invitations/admin/invitee.html", policy=policy, form=form, invitee=invitee
    )
    return page, status


@bp.route("/admin/invitations/invitees/new", methods=["GET", "POST"])
@admin_required
def new_invitee():
    policy = chosen_policy()
    form = forms.InviteeForm()
    form.set_bodies(queries.list_bodies(policy.id))
    status = 200
    if form.validate_on_submit():
        invitee, status = form_transaction(
            form, lambda: services.create_invitee(policy, _invitee_data(form), current_user.id)
        )
        if invitee is not None:
            flash(_("%(name)s is on the list; the invitation is not sent yet.", name=invitee.name))
            return _index(policy)
    elif request.method == "POST":
        status = 422
    return _invitee_page(policy, form, status=status)


@bp.route("/admin/invitations/invitees/<int:invitee_id>", methods=["GET", "POST"])
@admin_required
def edit_invitee(invitee_id: int):
    invitee = queries.get_invitee(invitee_id)
    policy = db.session.get(Policy, invitee.policy_id)
    form = forms.InviteeForm(
        obj=invitee,
        body_id=str(invitee.body_id or ""),
        province=invitee.province or "",
    )
    form.set_bodies(queries.list_bodies(policy.id))
    status = 200
    if form.validate_on_submit():
        done, status = form_transaction(
            form, lambda: services.update_invitee(invitee, _invitee_data(form), current_user.id)
        )
        if done is not None:
            flash(_("%(name)s is saved.", name=invitee.name))
            return _index(policy)
    elif request.method == "POST":
        status = 422
    return _invitee_page(policy, form, invitee, status)


def _deliver_each(ids: list[int], action: Callable[..., None]) -> tuple[int, str | None]:
    """Run `action` on each invitation in its own transaction (one mail each)."""
    done = 0
    for invitation_id in ids:
        try:
            with transaction():
                action(queries.get_invitation(invitation_id), current_user.id)
        except (smtplib.SMTPException, OSError) as exc:
            return done, str(exc)
        done += 1
    return done, None


@bp.post("/admin/invitations/send")
@admin_required
def send_all():
    policy = chosen_policy()
    if forms.ButtonForm().validate_on_submit():
        sent, error = _deliver_each(queries.list_unsent_ids(policy.id), services.send_invitation)
        flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", sent))
        if error:
            flash(_("Sending stopped: %(error)s", error=error))
    return _index(policy)


@bp.post("/admin/invitations/remind")
@admin_required
def remind_all():
    policy = chosen_policy()
    if forms.ButtonForm().validate_on_submit():
        sent, error = _deliver_each(
            queries.list_remindable_ids(policy.id), services.remind_invitation
        )
        flash(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", sent))
        if error:
            flash(_("Sending stopped: %(error)s", error=error))
    return _index(policy)


def _one(invitation_id: int, action: Callable[..., None], done: str):
    invitation = queries.get_invitation(invitation_id)
    policy = db.session.get(Policy, invitation.invitee.policy_id)
    if forms.ButtonForm().validate_on_submit():
        error = flash_transaction(lambda: action(invitation, current_user.id))
        flash(error or done)
    return _index(policy)


@bp.post("/admin/invitations/<int:invitation_id>/resend")
@admin_required
def resend(invitation_id: int):
    return _one(invitation_id, services.resend_invitation, _("A new link is sent."))


@bp.post("/admin/invitations/<int:invitation_id>/revoke")
@admin_required
def revoke(invitation_id: int):
    return _one(invitation_id, services.revoke_invitation, _("The link is revoked."))


@bp.post("/admin/invitations/<int:invitation_id>/remind")
@admin_required
def remind(invitation_id: int):
    return _one(invitation_id, services.remind_invitation, _("A reminder is sent."))
