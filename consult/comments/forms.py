"""Comment forms: shape checks only; the services enforce the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from consult.comments.models import MAX_BODY
from consult.comments.services import MAX_NOTE
from consult.core.i18n import localized

STANCE_LABELS = {
    "support": _l("I support this"),
    "oppose": _l("I oppose this"),
    "concern": _l("I have a concern"),
    "suggestion": _l("I have a suggestion"),
}
FLAG_LABELS = {
    "spam": _l("Spam or advertising"),
    "abuse": _l("Abusive, hateful or threatening"),
    "off-topic": _l("Off-topic"),
    "personal-data": _l("Shares someone's personal information"),
    "other": _l("Something else"),
}


def stance_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("No stance")),
        *(SelectChoice(k, v) for k, v in STANCE_LABELS.items()),
    ]


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write a comment first.")),
            Length(max=MAX_BODY, message=_l("Use at most 5,000 characters.")),
        ],
        description=_l(
            "Plain text or simple Markdown: *italic*, **bold**, lists, > quotes, "
            "links. Up to 5,000 characters."
        ),
    )
    objective = SelectField(_l("About"), validate_choice=False)
    stance = SelectField(
        _l("Your stance (optional)"), choices=stance_choices(), validators=[Optional()]
    )
    parent_id = HiddenField()
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post comment"))

    def set_objectives(self, objectives) -> None:
        self.objective.choices = [SelectChoice("", _l("This section as a whole"))] + [
            SelectChoice(o.key, f"{o.key}: {_shorten(localized(o.text), 70)}") for o in objectives
        ]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[
            DataRequired(message=_l("Write a reply first.")),
            Length(max=MAX_BODY, message=_l("Use at most 5,000 characters.")),
        ],
    )
    stance = SelectField(
        _l("Your stance (optional)"), choices=stance_choices(), validators=[Optional()]
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post reply"))


class EditForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write a comment first.")),
            Length(max=MAX_BODY, message=_l("Use at most 5,000 characters.")),
        ],
    )
    stance = SelectField(
        _l("Your stance (optional)"), choices=stance_choices(), validators=[Optional()]
    )
    submit = SubmitField(_l("Save changes"))


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("Why should moderators look at this comment?"),
        choices=[SelectChoice(k, v) for k, v in FLAG_LABELS.items()],
        validators=[DataRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything moderators should know (optional)"),
        validators=[Length(max=MAX_NOTE, message=_l("Use at most 500 characters."))],
    )
    submit = SubmitField(_l("Send to moderators"))


class EndorseForm(FlaskForm):
    value = HiddenField(validators=[DataRequired(message=_l("Choose agree or disagree."))])
