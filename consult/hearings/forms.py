"""Hearing forms: they check shape and convert local times; the services decide and write."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.core.forms import select_choices
from consult.core.i18n import localized
from consult.hearings.models import Hearing
from consult.hearings.services import (
    MAX_CITY,
    MAX_DESCRIPTION,
    MAX_INSTITUTION,
    MAX_MINUTES,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_VENUE,
    HearingDetails,
)
from consult.policy.models import Policy

TOO_LONG = _l("This is too long.")
REQUIRED = _l("This is required.")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def local_zone() -> ZoneInfo:
    """Times are typed in the consultation's own time zone (BABEL_DEFAULT_TIMEZONE)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=local_zone()) if value is not None else None


class CheckboxesField(SelectMultipleField):
    """A set of checkboxes: works without JavaScript, one label per option."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HearingForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(REQUIRED), Length(max=MAX_TITLE, message=TOO_LONG)]
    )
    institution = StringField(
        _l("Host institution"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_INSTITUTION, message=TOO_LONG)],
        description=_l("For example the university that hosts the hearing."),
    )
    city = StringField(
        _l("City"), validators=[DataRequired(REQUIRED), Length(max=MAX_CITY, message=TOO_LONG)]
    )
    province = SelectField(_l("Province"), choices=lambda: select_choices("province"))
    venue = StringField(
        _l("Venue (optional)"), validators=[Optional(), Length(max=MAX_VENUE, message=TOO_LONG)]
    )
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format=LOCAL_FORMAT,
        validators=[DataRequired(_l("Enter the date and time it starts."))],
        description=_l("Local time (Pakistan Standard Time)."),
    )
    ends_at = DateTimeLocalField(
        _l("Ends"),
        format=LOCAL_FORMAT,
        validators=[DataRequired(_l("Enter the date and time it ends."))],
    )
    sections = CheckboxesField(_l("Sections in scope"), choices=[], validate_choice=False)
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=MAX_DESCRIPTION, message=TOO_LONG)],
    )

    def for_policy(self, policy: Policy) -> HearingForm:
        """Offer the policy's live sections as checkboxes, in document order."""
        self.sections.choices = [
            (s.slug, localized(s.title)) for s in policy.sections if s.retired_at is None
        ]
        return self

    def fill(self, hearing: Hearing) -> HearingForm:
        """Show a stored hearing for editing, its times in local time."""
        zone = local_zone()
        self.title.data, self.institution.data = hearing.title, hearing.institution
        self.city.data, self.province.data = hearing.city, hearing.province
        self.venue.data, self.description.data = hearing.venue, hearing.description
        self.starts_at.data = hearing.starts_at.astimezone(zone).replace(tzinfo=None)
        self.ends_at.data = hearing.ends_at.astimezone(zone).replace(tzinfo=None)
        self.sections.data = [s.slug for s in hearing.sections]
        return self

    def details(self) -> HearingDetails:
        return HearingDetails(
            title=self.title.data,
            institution=self.institution.data,
            city=self.city.data,
            province=self.province.data,
            starts_at=_aware(self.starts_at.data),
            ends_at=_aware(self.ends_at.data),
            sections=list(self.sections.data or []),
            venue=self.venue.data or None,
            description=self.description.data or None,
        )


class OutcomeForm(FlaskForm):
    minutes = TextAreaField(
        _l("Minutes"), validators=[Optional(), Length(max=MAX_MINUTES, message=TOO_LONG)]
    )
    attendance = IntegerField(
        _l("Attendance"),
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a number, 0 or more.")),
        ],
        description=_l("How many people attended, counted in the hall."),
    )
    summary = TextAreaField(
        _l("Closing summary"),
        validators=[Optional(), Length(max=MAX_SUMMARY, message=TOO_LONG)],
    )


class FacilitatorForm(FlaskForm):
    email = EmailField(
        _l("Email of the facilitator to add"),
        validators=[DataRequired(REQUIRED), Length(max=254, message=TOO_LONG)],
    )
