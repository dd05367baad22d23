"""The report's filters, read the same way by the page and the API (allow-listed, 422).

Every filter narrows the contributions (comments and survey responses) that the report
counts; the profile filters (province, stakeholder group, gender, age band) narrow the
people who made them. Unknown codes, a hearing of another policy and a backwards date
range are refused with a message naming what is allowed, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.params import DB_INT_MAX
from consult.core.vocab import (
    AGE_BANDS,
    CHANNELS,
    GENDERS,
    INPUT_STREAMS,
    PROVINCES,
    STAKEHOLDER_GROUPS,
)
from consult.errors import ValidationError
from consult.extensions import db
from consult.hearings.models import Hearing
from consult.policy.models import Policy

# query-string name -> allowed codes, for the choice filters
CHOICES: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "stream": INPUT_STREAMS,
    "province": PROVINCES,
    "stakeholder_group": STAKEHOLDER_GROUPS,
    "gender": GENDERS,
    "age_band": AGE_BANDS,
}
PROFILE = ("province", "stakeholder_group", "gender", "age_band")


@dataclass(frozen=True)
class ReportFilters:
    section: str | None = None  # a section slug of the policy
    channel: str | None = None
    stream: str | None = None
    province: str | None = None
    stakeholder_group: str | None = None
    gender: str | None = None
    age_band: str | None = None
    hearing: int | None = None  # a hearing id of the policy
    date_from: date | None = None  # inclusive, UTC days
    date_to: date | None = None  # inclusive

    @property
    def active(self) -> bool:
        return any(v is not None for v in asdict(self).values())

    def starts(self) -> datetime | None:
        """The first instant counted (UTC), or None."""
        if self.date_from is None:
            return None
        return datetime.combine(self.date_from, time.min, tzinfo=UTC)

    def ends(self) -> datetime | None:
        """The first instant no longer counted (the day after `date_to`, UTC), or None."""
        if self.date_to is None:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=UTC)

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links and the form)."""
        out = {k: str(v) for k, v in asdict(self).items() if v is not None}
        if "date_from" in out:
            out["from"] = out.pop("date_from")
        if "date_to" in out:
            out["to"] = out.pop("date_to")
        return out


# Every argument name the filters read (the query string's names: `from`, not `date_from`).
ARGUMENTS = ("section", *CHOICES, "hearing", "from", "to")


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...] | list[str]) -> str:
    """One of `allowed`, or "" when absent; anything else is refused with the list."""
    raw = args.get(name)
    if raw is None or raw == "":
        return ""
    if raw not in allowed:
        options = ", ".join(allowed)
        raise ValidationError(
            _("%(name)s must be one of: %(allowed)s.", name=name, allowed=options),
            {name: _("One of: %(allowed)s.", allowed=options)},
        )
    return raw


def _date_arg(args: Mapping[str, str], name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            _("%(name)s must be a date written as YYYY-MM-DD.", name=name),
            {name: _("Not a date (YYYY-MM-DD).")},
        ) from None


def _hearing_arg(args: Mapping[str, str], policy: Policy) -> int | None:
    raw = (args.get("hearing") or "").strip()
    if not raw:
        return None
    hearing_id = int(raw) if raw.isdigit() and len(raw) <= 10 else None
    if hearing_id is None or hearing_id > DB_INT_MAX:
        found = None
    else:
        found = db.session.scalar(
            select(Hearing.id).where(Hearing.id == hearing_id, Hearing.policy_id == policy.id)
        )
    if found is None:
        raise ValidationError(
            _("hearing must be the number of a hearing of this policy."),
            {"hearing": _("No such hearing on this policy.")},
        )
    return hearing_id


def read_filters(policy: Policy) -> ReportFilters:
    """The filters of this request, checked against the vocabularies and the policy."""
    return parse_filters(policy, request.args)


def parse_filters(policy: Policy, args: Mapping[str, str]) -> ReportFilters:
    """The filters in `args` (query-string names), checked as the page checks them.

    Outside a request (the `consult export` command) this is the entry point; names that
    are not filters are the caller's to refuse or ignore (`ARGUMENTS` lists them).
    """
    section = _choice(args, "section", [s.slug for s in policy.sections]) or None
    values: dict[str, str | None] = {
        name: _choice(args, name, allowed) or None for name, allowed in CHOICES.items()
    }
    date_from, date_to = _date_arg(args, "from"), _date_arg(args, "to")
    if date_from and date_to and date_from > date_to:
        raise ValidationError(
            _("The date range is backwards: “from” must not be after “to”."),
            {"from": _("After the end date."), "to": _("Before the start date.")},
        )
    return ReportFilters(
        section=section,
        hearing=_hearing_arg(args, policy),
        date_from=date_from,
        date_to=date_to,
        **values,
    )


# Every query argument that filters the live report.
ARG_NAMES = ("section", *CHOICES, "hearing", "from", "to")


def requested_filter_args() -> list[str]:
    """The filter arguments this request gives a value to (a snapshot cannot honour them)."""
    return [name for name in ARG_NAMES if request.args.get(name)]


def snapshot_filter_error(names: list[str]) -> ValidationError:
    """A published snapshot is frozen: re-filtering it would need the live data."""
    return ValidationError(
        _(
            "A published report is a frozen snapshot and cannot be filtered; leave out %(names)s.",
            names=", ".join(names),
        ),
        dict.fromkeys(names, _("Not available on a published report.")),
    )
