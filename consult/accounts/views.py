"""Account pages: register, log in and out, password reset, /account."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from consult.accounts import forms, services, throttle
from consult.core.forms import error_status
from consult.core.i18n import is_local_url
from consult.core.mail import send_mail
from consult.core.transaction import flash_transaction, form_transaction, transaction
from consult.core.urls import external_url
from consult.extensions import limiter

bp = Blueprint("accounts", __name__)


def _limit(name: str):
    return lambda: current_app.config[name]


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = forms.RegisterForm()
    status = 0
    if form.validate_on_submit():
        registration, status = form_transaction(
            form,
            lambda: services.request_registration(
                form.email.data,
                form.password.data,
                form.display_name.data,
                profile=form.profile_data(),
            ),
        )
        if registration is not None:
            _send_registration_mail(registration)
            # The same answer whether or not the address had an account (F6).
            return redirect(url_for("accounts.registered"))
    return render_template("accounts/register.html", form=form), error_status(form, status)


def _send_registration_mail(registration: services.Registration) -> None:
    """A confirmation link for a new (or still unconfirmed) account, else a warning."""
    user = registration.created or registration.existing
    if user is None or not user.email:
        return
    if not user.is_confirmed:
        link = external_url("accounts.confirm", token=services.make_confirmation_token(user))
        send_mail(
            user.email,
            _("Confirm your Consult account"),
            _(
                "Open this link within three days to confirm your email address and finish "
                "creating your Consult account:\n\n%(link)s\n\nIf you did not sign up, ignore "
                "this message: the account is not usable until the link is opened.",
                link=link,
            ),
        )
        return
    send_mail(
        user.email,
        _("Someone tried to register with your email address"),
        _(
            "Someone tried to create a Consult account with this email address (or one that "
            "looks the same), which already has an account. Nothing was changed.\n\nIf it "
            "was you, log in, or choose a new password here:\n\n%(link)s\n\nIf it was not "
            "you, you can ignore this message.",
            link=external_url("accounts.reset_request"),
        ),
    )


@bp.get("/auth/register/sent")
def registered():
    return render_template("accounts/registered.html")


@bp.route("/auth/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Show a button, confirm on POST: mail scanners that open links confirm nothing."""
    form = forms.ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        user, status = form_transaction(form, lambda: services.confirm_email(token))
        if user is not None:
            login_user(user)
            flash(_("Your email address is confirmed. Welcome, %(name)s.", name=user.display_name))
            return redirect(url_for("policy.home"))
        return render_template("accounts/confirm.html", form=form), status
    return render_template("accounts/confirm.html", form=form)


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    form = forms.LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        gate = throttle.LoginGate.for_request(form.email.data)
        refused = gate.refusal()
        if refused is not None:
            form.form_errors.append(refused.message)
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(refused.retry_after)}
        with transaction():  # the login time is written with the login
            user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            target = form.next.data
            response = redirect(target if is_local_url(target) else url_for("policy.home"))
            gate.trust_device(response)
            return response
        gate.record_failure()
        form.form_errors.append(_("Email or password is not right."))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/auth/logout", methods=["GET", "POST"])
def logout():
    form = forms.ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if current_user.is_authenticated:
            # Ends this cookie and any copy of it, and every other session (F2).
            with transaction():
                services.end_sessions(current_user)
        logout_user()
        flash(_("You are logged out."))
        return redirect(url_for("policy.home"))
    return render_template("accounts/logout.html", form=form)


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        token = services.request_password_reset(form.email.data)
        if token is not None:
            link = external_url("accounts.reset_password", token=token)
            send_mail(
                form.email.data.strip(),
                _("Reset your Consult password"),
                _(
                    "Someone asked to reset the password of your Consult account. If it was you, "
                    "open this link within an hour:\n\n%(link)s\n\nIf not, ignore this message.",
                    link=link,
                ),
            )
        # The same answer whether or not the account exists.
        flash(_("If an account uses that email, we have sent it a link to reset the password."))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def reset_password(token: str):
    form = forms.ResetForm()
    if form.validate_on_submit():
        user, _status = form_transaction(
            form, lambda: services.reset_password(token, form.password.data)
        )
        if user is not None:
            flash(_("Your password is changed. Log in with the new one."))
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_form.html", form=form), 422 if form.errors else 200


def _account_page(status: int = 200, **forms_):
    context = {
        "profile_form": forms.ProfileForm(obj=current_user.participant),
        "password_form": forms.PasswordChangeForm(),
        "token_form": forms.TokenForm(),
        "delete_form": forms.DeleteAccountForm(),
        "confirm_form": forms.ConfirmForm(),
        "sections": services.account_sections(current_user),
    }
    context.update(forms_)
    return render_template("accounts/account.html", **context), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/profile")
@login_required
def update_profile():
    form = forms.ProfileForm()
    if form.validate_on_submit():
        _result, status = form_transaction(
            form,
            lambda: services.update_profile(
                current_user, form.display_name.data, form.profile_data()
            ),
        )
        if not status:
            flash(_("Your profile is saved."))
            return redirect(url_for("accounts.account"))
    return _account_page(422, profile_form=form)


@bp.post("/account/password")
@login_required
def change_password():
    form = forms.PasswordChangeForm()
    if form.validate_on_submit():
        _result, status = form_transaction(
            form,
            lambda: services.change_password(
                current_user, form.current_password.data, form.new_password.data
            ),
        )
        if not status:
            # The version went up, so sign this session in again; the others have ended.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            remembered = cookie in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(
                _(
                    "Your password is changed. Every other session of your account has been "
                    "signed out."
                )
            )
            return redirect(url_for("accounts.account"))
    return _account_page(422, password_form=form)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = forms.TokenForm()
    if form.validate_on_submit():
        new, _status = form_transaction(
            form, lambda: services.create_api_token(current_user, form.name.data)
        )
        if new is not None:
            # Shown once, on this response only; it is never stored in the clear.
            return render_template("accounts/token_created.html", new=new)
    return _account_page(422, token_form=form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if forms.ConfirmForm().validate_on_submit():
        error = flash_transaction(lambda: services.revoke_api_token(current_user, token_id))
        flash(error or _("The token is revoked."))
    return redirect(url_for("accounts.account"))


@bp.get("/account/data")
@login_required
def download_data():
    body = json.dumps(services.export_user_data(current_user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=consult-my-data.json"},
    )


@bp.post("/account/delete")
@login_required
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        _result, status = form_transaction(
            form, lambda: services.delete_account(current_user, form.password.data)
        )
        if not status:
            logout_user()
            flash(_("Your account is deleted. Your contributions remain, without your name."))
            return redirect(url_for("policy.home"))
    return _account_page(422, delete_form=form)
