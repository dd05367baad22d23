"""People, for administrators (/admin/users): roles and login limits, on the record."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts import forms, permissions, queries, services
from consult.accounts.models import User
from consult.core.params import choice_arg, int_arg
from consult.core.transaction import form_transaction
from consult.core.vocab import ROLES, label
from consult.errors import NotFound, PermissionDenied
from consult.extensions import db, login_manager

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


@bp.before_request
def require_admin():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can_manage_users(current_user):
        raise PermissionDenied(_("Only administrators can manage people."))
    return None


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound(_("No such account."))
    return user


def _back() -> str:
    args = {k: v for k, v in request.args.items() if k in ("q", "role", "page")}
    return url_for("admin_users.index", **args)


@bp.get("/")
def index():
    search = request.args.get("q", "")
    role = choice_arg("role", ROLES, "") or None
    people = queries.list_accounts(search, role, int_arg("page", 1))
    return render_template(
        "accounts/admin/users.html",
        people=people,
        search=search,
        role=role,
        role_forms={u.id: forms.RoleForm(role=u.role, prefix=f"u{u.id}") for u in people.items},
        action_form=forms.ConfirmForm(),
    )


@bp.post("/<int:user_id>/role")
def change_role(user_id: int):
    user = _user(user_id)
    form = forms.RoleForm(prefix=f"u{user.id}")
    if form.validate_on_submit():
        _done, status = form_transaction(
            form, lambda: services.set_role(user, form.role.data, actor_id=current_user.id)
        )
        if status:
            flash(" ".join(form.form_errors))
        else:
            flash(
                _(
                    "%(name)s is now %(role)s; their sessions have ended.",
                    name=user.display_name,
                    role=label("role", form.role.data),
                )
            )
    else:
        flash(_("Choose a role from the list."))
    return redirect(_back())


@bp.post("/<int:user_id>/login-limits")
def clear_login_limits(user_id: int):
    user = _user(user_id)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        form_transaction(
            form,
            lambda: services.clear_login_limits(user, actor_id=current_user.id, via="admin"),
        )
        flash(_("Login limits lifted for %(name)s.", name=user.display_name))
    return redirect(_back())
