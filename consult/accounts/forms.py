"""Account forms: they validate shape and never write."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from consult.accounts.services import MAX_PASSWORD, MIN_PASSWORD
from consult.core.forms import select_choices as choices

# Our own messages, so they are translated (WTForms ships no Urdu catalogue).
REQUIRED = _l("This field is required.")
TOO_LONG = _l("This is too long.")
PASSWORD_LENGTH = _l("Use %(min)d to %(max)d characters.", min=MIN_PASSWORD, max=MAX_PASSWORD)


class ProfileFields:
    """The optional profile reports break down by; every field defaults to undisclosed."""

    province = SelectField(
        _l("Province or region"), choices=choices("province"), default="undisclosed"
    )
    stakeholder_group = SelectField(
        _l("I am taking part as"), choices=choices("stakeholder_group"), default="undisclosed"
    )
    gender = SelectField(_l("Gender"), choices=choices("gender"), default="undisclosed")
    age_band = SelectField(_l("Age"), choices=choices("age_band"), default="undisclosed")

    def profile_data(self) -> dict[str, str]:
        return {
            name: getattr(self, name).data
            for name in ("province", "stakeholder_group", "gender", "age_band")
        }


class RegisterForm(ProfileFields, FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG)]
    )
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
        description=_l("Shown beside your comments. You can use a pseudonym."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=PASSWORD_LENGTH),
        ],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=REQUIRED), Length(max=MAX_PASSWORD, message=TOO_LONG)],
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ProfileForm(ProfileFields, FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=REQUIRED)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=PASSWORD_LENGTH),
        ],
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
        description=_l("What the token is for, e.g. “analysis script”."),
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG)]
    )


class ResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=PASSWORD_LENGTH),
        ],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(message=REQUIRED)])
    confirm = BooleanField(
        _l("I understand my name and email will be removed and this cannot be undone."),
        validators=[DataRequired(message=REQUIRED)],
    )


class ConfirmForm(FlaskForm):
    """An empty form, for a CSRF-protected button (log out, revoke)."""


class RoleForm(FlaskForm):
    """An administrator changes one account's role."""

    role = SelectField(_l("Role"), choices=choices("role"))
