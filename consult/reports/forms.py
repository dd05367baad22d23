"""The publish form: it validates shape; `reports.publication` decides and writes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.reports.publication import MAX_NOTE


class PublishForm(FlaskForm):
    note = TextAreaField(
        _l("Note published with it (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE, message=_l("This is too long."))],
        description=_l("For example: “Interim report after the hearings in Lahore”."),
    )
    confirm = BooleanField(
        _l("I understand: the snapshot is public at once and can never be changed or removed."),
        validators=[DataRequired(message=_l("Tick the box to confirm the publication."))],
    )
