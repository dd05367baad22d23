"""Invitation forms: they validate shape; the services decide and write."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from consult.accounts.services import MAX_PASSWORD, MIN_PASSWORD
from consult.core.forms import select_choices

REQUIRED = _l("This field is required.")
TOO_LONG = _l("This is too long.")
LABEL_CONSENT = _l("Show “invited: <my body or affiliation>” beside my comments")


class ButtonForm(FlaskForm):
    """A button that acts (send, resend, revoke, remind): only the CSRF token."""


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
        description=_l("UTF-8, header: email,name,body,body_kind,stakeholder_group,province"),
    )
    check = SubmitField(_l("Check the file (dry run)"))
    apply = SubmitField(_l("Import"))


class BodyForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=200, message=TOO_LONG)]
    )
    kind = SelectField(_l("Kind"), choices=select_choices("body_kind"))
    contact = StringField(
        _l("Contact (optional)"),
        validators=[Optional(), Length(max=300, message=TOO_LONG)],
        description=_l("An office, a focal person or an address; seen by administrators only."),
    )


def _optional(kind: str) -> list[SelectChoice]:
    return [SelectChoice("", _l("None")), *select_choices(kind)]


class InviteeForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG)]
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=120, message=TOO_LONG)]
    )
    body_id = SelectField(_l("Body"), choices=[], validate_choice=False, default="")
    affiliation = StringField(
        _l("Affiliation (optional)"), validators=[Optional(), Length(max=200, message=TOO_LONG)]
    )
    stakeholder_group = SelectField(
        _l("Stakeholder group"), choices=select_choices("stakeholder_group"), default="undisclosed"
    )
    province = SelectField(_l("Province (optional)"), choices=_optional("province"), default="")
    representative = BooleanField(
        _l("Representative of the body"),
        description=_l("May submit the body's formal response, once joined."),
    )

    def set_bodies(self, bodies) -> None:
        self.body_id.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(b.id), b.name) for b, _count in bodies
        ]

    def body_value(self) -> int | None:
        value = self.body_id.data or ""
        return int(value) if str(value).isdigit() and len(str(value)) < 10 else None


class AcceptForm(FlaskForm):
    """Create an account from an invitation: the address is the invitee's, fixed."""

    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
        description=_l("Shown beside your comments."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
                message=_l(
                    "Use %(min)d to %(max)d characters.", min=MIN_PASSWORD, max=MAX_PASSWORD
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )
    show_label = BooleanField(LABEL_CONSENT)


class AttachForm(FlaskForm):
    """Add the invitation to the account one is signed in with."""

    show_label = BooleanField(LABEL_CONSENT)


class StatementForm(FlaskForm):
    """The overall statement of a body's draft response."""

    statement = TextAreaField(
        _l("Overall statement"), validators=[Optional(), Length(max=20_000, message=TOO_LONG)]
    )
    unpublished = BooleanField(_l("Keep this response unpublished (moderators and admins only)"))


class PointForm(FlaskForm):
    """A comment of the response on a section and, optionally, one objective."""

    section = SelectField(_l("Section"), choices=[], validate_choice=False)
    objective = StringField(
        _l("Objective key (optional)"), validators=[Optional(), Length(max=20, message=TOO_LONG)]
    )
    stance = SelectField(_l("Stance"), choices=_optional("stance"), default="")
    body = TextAreaField(_l("Comment"), validators=[DataRequired(message=REQUIRED)])
