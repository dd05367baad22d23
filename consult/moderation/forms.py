"""Moderation forms: they validate shape; the services decide and write."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from consult.core.vocab import DISPOSITIONS, label
from consult.moderation.dispositions import MAX_REASON, MAX_RESPONSE
from consult.moderation.services import CHOOSABLE_REASONS, COMMENT_ACTIONS, MAX_NOTE, Selection

TOO_LONG = _l("This is too long.")


def _reasons() -> list[SelectChoice]:
    return [SelectChoice("", _l("No reason"))] + [
        SelectChoice(r, label("moderation_reason", r)) for r in CHOOSABLE_REASONS
    ]


class ActionForm(FlaskForm):
    """One action on the comments ticked in the queue (or on one comment)."""

    ids = SelectMultipleField(_l("Comments"), choices=[], validate_choice=False)
    action = SelectField(
        _l("Action"),
        choices=[SelectChoice(a, label("moderation_verb", a)) for a in COMMENT_ACTIONS],
    )
    reason = SelectField(_l("Reason"), choices=_reasons, default="")
    note = TextAreaField(
        _l("Note for moderators (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE, message=TOO_LONG)],
        description=_l("Only moderators see it; the public and the author see the reason."),
    )

    def selection(self) -> list[Selection]:
        """The ticked comments as (id, state token) pairs; malformed entries are dropped."""
        picked: list[Selection] = []
        for raw in self.ids.data or []:
            comment_id, _sep, token = str(raw).partition(":")
            if comment_id.isdigit() and len(comment_id) <= 10:
                picked.append(Selection(int(comment_id), token or None))
        return picked


class BanForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=_reasons, default="")
    until = DateField(
        _l("Suspended until (optional)"),
        validators=[Optional()],
        description=_l("Leave empty to suspend until a moderator lifts it."),
    )
    note = TextAreaField(
        _l("Note for moderators (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE, message=TOO_LONG)],
    )


class ThemeForm(FlaskForm):
    """Create or rename a theme."""

    name = StringField(
        _l("Theme name"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=80, message=TOO_LONG)],
    )
    description = TextAreaField(
        _l("What belongs under it (optional)"),
        validators=[Optional(), Length(max=500, message=TOO_LONG)],
    )


class MergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), choices=[], coerce=int, validate_choice=False)


class TagForm(FlaskForm):
    """Add or remove one theme on the ticked comments (from the queue or one comment)."""

    ids = SelectMultipleField(_l("Comments"), choices=[], validate_choice=False)
    theme = SelectField(_l("Theme"), choices=[], validate_choice=False)
    op = SelectField(
        _l("Change"),
        choices=[SelectChoice("add", _l("Add the theme")), SelectChoice("remove", _l("Remove"))],
    )

    def comment_ids(self) -> list[int]:
        """The ticked comment ids (queue checkboxes carry `id:token`; tokens don't matter)."""
        picked = []
        for raw in self.ids.data or []:
            comment_id = str(raw).partition(":")[0]
            if comment_id.isdigit() and len(comment_id) <= 10:
                picked.append(int(comment_id))
        return picked

    def theme_id(self) -> int | None:
        raw = str(self.theme.data or "")
        return int(raw) if raw.isdigit() and len(raw) <= 10 else None


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Private note for moderators"),
        validators=[
            DataRequired(message=_l("Write the note.")),
            Length(max=MAX_NOTE, message=TOO_LONG),
        ],
        description=_l("Never shown to the public or to the author."),
    )


class CampaignConfirmForm(FlaskForm):
    """Confirm a group as one campaign; `token` is the group's state when the page loaded."""

    token = HiddenField(validators=[DataRequired()])


class CampaignSplitForm(FlaskForm):
    """Split the ticked comments (scope "selected") or all of them (scope "all") off a group.

    `seen_size` is the size the moderator saw, checked when splitting all.
    """

    token = HiddenField(validators=[DataRequired()])
    scope = HiddenField(validators=[AnyOf(("selected", "all"))])
    seen_size = IntegerField(validators=[Optional()])
    ids = SelectMultipleField(_l("Comments"), choices=[], validate_choice=False)

    def comment_ids(self) -> list[int] | None:
        """The ticked comment ids, or None for all; malformed entries are dropped."""
        if self.scope.data == "all":
            return None
        return [int(raw) for raw in self.ids.data or [] if str(raw).isdigit() and len(raw) <= 10]


def _dispositions() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(code, label("disposition", code)) for code in DISPOSITIONS
    ]


class DispositionForm(FlaskForm):
    """Set (or clear) what the government did with a comment or theme, and why.

    The codes are not validated here: the service refuses an unknown one with a message
    naming the codes there are, the same for the page and any other caller.
    """

    disposition = SelectField(
        _l("Disposition"),
        choices=lambda: (
            [SelectChoice("", _l("Choose…"))]
            + [SelectChoice(code, label("disposition", code)) for code in DISPOSITIONS]
        ),
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Why (shown in the report and to the author)"),
        validators=[Length(max=MAX_REASON, message=TOO_LONG)],
    )

    @staticmethod
    def options() -> list[tuple[str, str]]:
        """(code, label) pairs for the several hand-built selects of the themes page."""
        return [(c.value, str(c.label)) for c in _dispositions()]


class ResponseForm(FlaskForm):
    body = TextAreaField(
        _l("The government's response (Markdown)"),
        validators=[
            DataRequired(message=_l("Write the government's response.")),
            Length(max=MAX_RESPONSE, message=TOO_LONG),
        ],
    )
