"""Hearing pages: the public list, a hearing's page, and the facilitators' forms.

Thin: load, authorize (`permissions`), validate the form, call one service inside the one
transaction edge, redirect (or show the form again with what was typed and 422).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.services import get_user_by_email, normalise_email
from consult.core.forms import error_status
from consult.core.params import int_arg
from consult.core.transaction import flash_transaction, form_transaction
from consult.errors import NotFound, PermissionDenied, ValidationError
from consult.extensions import login_manager
from consult.hearings import forms, permissions, queries, services
from consult.hearings.models import Hearing
from consult.policy.models import Policy
from consult.policy.queries import get_policy, list_public_policies

bp = Blueprint("hearings", __name__, url_prefix="/hearings")


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor to sign in first; the view then checks the permission itself."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def _managed(hearing_id: int) -> Hearing:
    hearing = queries.get_hearing(hearing_id)
    refusal = permissions.manage_refusal(current_user, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    return hearing


@bp.get("/")
def index():
    mine = (
        queries.list_for_facilitator(current_user) if permissions.can_create(current_user) else []
    )
    listing = queries.list_public_hearings(past_page=int_arg("page", 1, minimum=1))
    return render_template("hearings/index.html", hearings=listing, mine=mine)


def _policy_for_new() -> Policy:
    slug = (request.values.get("policy") or "")[:80]
    if slug:
        return get_policy(slug)
    policies = list_public_policies()
    if not policies:
        raise NotFound(_("No policy is open for hearings yet."))
    return policies[0]


def _form_page(form: forms.HearingForm, policy: Policy, hearing: Hearing | None, status: int):
    return render_template(
        "hearings/form.html",
        form=form,
        policy=policy,
        hearing=hearing,
        policies=list_public_policies() if hearing is None else [],
    ), error_status(form, status)


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def create():
    if not permissions.can_create(current_user):
        raise PermissionDenied(_("Only facilitators and administrators can run hearings."))
    policy = _policy_for_new()
    form = forms.HearingForm().for_policy(policy)
    status = 0
    if form.validate_on_submit():
        hearing, status = form_transaction(
            form, lambda: services.create_hearing(current_user, policy, form.details())
        )
        if hearing is not None:
            flash(_("Hearing scheduled. Its join code is %(code)s.", code=hearing.join_code))
            return redirect(url_for("hearings.show", hearing_id=hearing.id))
    return _form_page(form, policy, None, status)


@bp.get("/<int:hearing_id>")
def show(hearing_id: int):
    page = queries.get_hearing_page(hearing_id)
    if not permissions.can_see(current_user, page.hearing):
        raise NotFound(_("No such hearing."))
    return render_template(
        "hearings/show.html",
        page=page,
        hearing=page.hearing,
        facilitator_form=forms.FacilitatorForm(),
    )


@bp.route("/<int:hearing_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(hearing_id: int):
    hearing = _managed(hearing_id)
    form = forms.HearingForm().for_policy(hearing.policy)
    if request.method == "GET":
        form.fill(hearing)
    status = 0
    if form.validate_on_submit():
        done, status = form_transaction(
            form, lambda: services.update_hearing(current_user, hearing, form.details())
        )
        if done is not None:
            flash(_("Hearing saved."))
            return redirect(url_for("hearings.show", hearing_id=hearing.id))
    return _form_page(form, hearing.policy, hearing, status)


@bp.post("/<int:hearing_id>/status")
@signed_in
def status(hearing_id: int):
    hearing = _managed(hearing_id)
    target = request.form.get("status")
    error = flash_transaction(lambda: services.set_status(current_user, hearing, target))
    if error:
        flash(error)
    elif target == "open":
        flash(
            _(
                "The hearing is open: participants can join with code %(code)s.",
                code=hearing.join_code,
            )
        )
    else:
        flash(_("The hearing is closed. You can now record its outcome."))
    return redirect(url_for("hearings.show", hearing_id=hearing.id))


@bp.route("/<int:hearing_id>/outcome", methods=["GET", "POST"])
@signed_in
def outcome(hearing_id: int):
    hearing = _managed(hearing_id)
    form = forms.OutcomeForm(obj=hearing if request.method == "GET" else None)
    status = 0
    if form.validate_on_submit():
        done, status = form_transaction(
            form,
            lambda: services.record_outcome(
                current_user,
                hearing,
                minutes=form.minutes.data or None,
                attendance=form.attendance.data,
                summary=form.summary.data or None,
            ),
        )
        if done is not None:
            flash(_("The outcome of the hearing is recorded."))
            return redirect(url_for("hearings.show", hearing_id=hearing.id))
    return render_template("hearings/outcome.html", form=form, hearing=hearing), error_status(
        form, status
    )


@bp.post("/<int:hearing_id>/facilitators")
@signed_in
def add_facilitator(hearing_id: int):
    hearing = _managed(hearing_id)
    form = forms.FacilitatorForm()
    if not form.validate_on_submit():
        flash(_("Enter the email of a facilitator account."))
    else:
        try:
            user = get_user_by_email(normalise_email(form.email.data or ""))
        except ValidationError:
            user = None
        if user is None:
            flash(_("No account has that email."))
        else:
            error = flash_transaction(
                lambda: services.assign_facilitator(current_user, hearing, user)
            )
            flash(error or _("%(name)s now runs this hearing too.", name=user.display_name))
    return redirect(url_for("hearings.show", hearing_id=hearing.id, _anchor="facilitators"))


@bp.post("/<int:hearing_id>/facilitators/<int:user_id>/remove")
@signed_in
def remove_facilitator(hearing_id: int, user_id: int):
    hearing = _managed(hearing_id)
    user = next((f for f in hearing.facilitators if f.id == user_id), None)
    if user is None:
        raise NotFound(_("This account does not run this hearing."))
    error = flash_transaction(lambda: services.unassign_facilitator(current_user, hearing, user))
    flash(error or _("%(name)s no longer runs this hearing.", name=user.display_name))
    return redirect(url_for("hearings.show", hearing_id=hearing.id, _anchor="facilitators"))
