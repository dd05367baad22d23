"""Forms of a hearing's participant pages: shape checks only; `participation` decides.

Every form carries a fresh idempotency key as a hidden field, made by the server when it
renders the form, so a double tap or a browser's resend writes once even without
JavaScript (the offline script replaces it after keeping a submission on the phone).
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length

from consult.accounts.forms import ProfileFields
from consult.comments.forms import CommentForm
from consult.hearings.models import MAX_ATTENDEE_NAME, Hearing


def new_key() -> str:
    """A fresh idempotency key: 32 hex digits (128 random bits)."""
    return secrets.token_hex(16)


class IdempotentForm(FlaskForm):
    idempotency_key = HiddenField(default=new_key)


class JoinForm(ProfileFields, IdempotentForm):
    name = StringField(
        _l("Your name (optional)"),
        validators=[Length(max=MAX_ATTENDEE_NAME, message=_l("This is too long."))],
        description=_l("Leave it empty to take part without a name."),
    )
    show_name = BooleanField(_l("Show my name beside what I post"))

    def for_hearing(self, hearing: Hearing) -> JoinForm:
        """Say how the person appears without consent: the hearing's own wording."""
        self.show_name.description = _(
            "Otherwise you appear as “%(name)s”.",
            name=_("Participant at %(hearing)s", hearing=hearing.title),
        )
        return self

    def profile_data(self) -> dict[str, object]:
        return {"name": self.name.data, "show_name": self.show_name.data, **super().profile_data()}


class JoinCodeForm(FlaskForm):
    """The code typed on `/join` (a GET form: no CSRF, nothing is written)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Join code"),
        validators=[Length(max=40, message=_l("This is too long."))],
        description=_l("The six characters shown on the screen in the hall."),
    )


class AttendeeCommentForm(CommentForm):
    """The section's comment form for an attendee: no preview, no replies, a key."""

    idempotency_key = HiddenField(default=new_key)
    preview = None
    parent_id = None
