"""Live participation at a hearing: joining from a phone, then commenting and answering.

A person in the hall opens `/join/<code>`, tells what they want about themselves and
becomes an attendee participant of that hearing (`attendees.create_attendee`, channel
`hearing`). Their browser then holds an *attendee session* (`session_value`): no account,
no Flask-Login, only the participant and hearing ids and a signature bound to the hearing,
checked against the database on every request (`resolve_session`), so it lapses the moment
the hearing closes.

Every submission (join, comment, survey response) carries an idempotency key and runs
through `core.idempotency.run_once`: a phone on weak Wi-Fi that sends twice, or a browser
that replays what it kept offline, writes once and gets the first answer again. The
hearing's rules (open, the section in scope) are checked inside the work, so a replay of
something that landed before the hearing closed still gets its answer, while anything new
after the close is refused.

Services flush and never commit; the edge (`join_views`) commits once.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, literal, select, union_all

from consult.accounts.models import Participant
from consult.comments import services as comments
from consult.comments.models import Comment
from consult.core.idempotency import clean_key, run_once
from consult.core.vocab import CHANNELS
from consult.errors import NotFound, PermissionDenied
from consult.extensions import db
from consult.hearings import attendees, permissions
from consult.hearings.models import Hearing, HearingAttendee
from consult.policy.models import Section
from consult.surveys import queries as survey_queries
from consult.surveys import services as surveys
from consult.surveys.models import Survey, SurveyResponse

SESSION_KEY = "hearing_attendee"
_SIGNING_SALT = b"consult.hearings.attendee-session"


# --- the attendee session -----------------------------------------------------------------


def _signature(participant_id: int, hearing: Hearing) -> str:
    """HMAC over who, which hearing and its join code, with a key only for this purpose.

    Flask's session cookie is signed already; this second signature binds the value to
    one hearing, so it cannot be assembled from other session values, and it lapses if
    the hearing's code is ever changed.
    """
    secret = hashlib.sha256(_SIGNING_SALT + current_app.secret_key.encode("utf-8")).digest()
    message = f"{participant_id}:{hearing.id}:{hearing.join_code}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def session_value(participant: Participant, hearing: Hearing) -> dict[str, Any]:
    """What the browser's session keeps for an attendee of this hearing."""
    return {"p": participant.id, "h": hearing.id, "s": _signature(participant.id, hearing)}


def resolve_session(value: Any, hearing: Hearing) -> Participant | None:
    """The attendee this session value stands for at this hearing, or None.

    None when the value is missing or for another hearing, its signature does not match,
    or the database does not know the participant as a phone attendee of this hearing.
    Whether the hearing is still open is the caller's check (`permissions.attendee_refusal`),
    so the page can say that it has ended.
    """
    if not isinstance(value, Mapping):
        return None
    participant_id, hearing_id, signature = value.get("p"), value.get("h"), value.get("s")
    if not isinstance(participant_id, int) or hearing_id != hearing.id:
        return None
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature, _signature(participant_id, hearing)
    ):
        return None
    row = db.session.get(HearingAttendee, participant_id)
    if row is None or row.hearing_id != hearing.id or row.channel != "hearing":
        return None
    return db.session.get(Participant, participant_id)


# --- submissions --------------------------------------------------------------------------


def scope(hearing: Hearing, kind: str) -> str:
    """The idempotency scope of one kind of submission at one hearing."""
    return f"hearing:{hearing.id}:{kind}"


def _refuse(hearing: Hearing, section: Section | None = None) -> None:
    refusal = permissions.attendee_refusal(hearing, section)
    if refusal:
        raise PermissionDenied(refusal)


def _check_attendee(hearing: Hearing, participant: Participant) -> None:
    row = db.session.get(HearingAttendee, participant.id)
    if row is None or row.hearing_id != hearing.id:
        raise PermissionDenied(_("Join this hearing first, with its code."))


@dataclass(frozen=True)
class Submitted:
    """What a submission produced (ids of the rows it wrote) and whether it was a repeat."""

    body: dict[str, Any]
    replayed: bool


def join_hearing(hearing: Hearing, raw_profile: Mapping[str, Any], key: Any) -> Participant:
    """Make someone in the hall an attendee of this open hearing, once per key.

    A repeat of the same key (a double tap, a resend after a lost answer) returns the same
    participant and writes nothing, so one person is counted once.
    """
    key = clean_key(key)
    fields = ("name", "show_name", "province", "stakeholder_group", "gender", "age_band")
    request_data = {name: str(raw_profile.get(name) or "") for name in fields}

    def work() -> tuple[int, dict[str, Any]]:
        _refuse(hearing)
        profile = attendees.clean_profile(request_data)
        participant = attendees.create_attendee(hearing, profile, "hearing")
        return 201, {"participant_id": participant.id}

    outcome = run_once(scope(hearing, "join"), key, request_data, work)
    participant = db.session.get(Participant, outcome.body["participant_id"])
    if participant is None:  # pragma: no cover - the key and the participant land together
        raise NotFound(_("No such participant."))
    return participant


def in_scope_section(hearing: Hearing, slug: str) -> Section:
    """A section this hearing covers, by slug; a refusal that says why otherwise."""
    for section in hearing.sections:
        if section.slug == slug:
            return section
    if any(s.slug == slug for s in hearing.policy.sections):
        raise PermissionDenied(_("This section is not part of this hearing."))
    raise NotFound(_("There is no such section."))


def post_comment(
    hearing: Hearing,
    participant: Participant,
    section: Section,
    raw: Mapping[str, Any],
    key: Any,
) -> Submitted:
    """Post an attendee's comment on an in-scope section, channel `hearing`, once per key."""
    key = clean_key(key)
    request_data = {
        "participant": participant.id,
        "section": section.id,
        "objective": str(raw.get("objective") or ""),
        "stance": str(raw.get("stance") or ""),
        "body": str(raw.get("body") or ""),
    }

    def work() -> tuple[int, dict[str, Any]]:
        _refuse(hearing, section)
        _check_attendee(hearing, participant)
        result = comments.post_attendee_comment(
            participant,
            section,
            request_data["body"],
            objective_key=request_data["objective"] or None,
            stance=request_data["stance"] or None,
            channel="hearing",
            hearing_id=hearing.id,
        )
        return 201, {"comment_id": result.comment.id, "status": result.comment.status}

    outcome = run_once(scope(hearing, "comment"), key, request_data, work)
    return Submitted(outcome.body, outcome.replayed)


def open_survey(section: Section) -> Survey | None:
    """The section's survey when it takes responses now, else None."""
    survey = survey_queries.get_section_survey(section)
    if survey is None or not survey_queries.is_accepting_responses(survey):
        return None
    return survey


def submit_response(
    hearing: Hearing,
    participant: Participant,
    section: Section,
    answers: dict[str, Any],
    key: Any,
) -> Submitted:
    """Record an attendee's survey response, channel `hearing`, once per key.

    `answers` is the API's answers shape (`surveys.forms.parse_form` reads it from the
    page); the surveys domain validates it, so the hall and the web share one set of rules.
    """
    key = clean_key(key)
    survey = survey_queries.get_section_survey(section)
    if survey is None:
        raise NotFound(_("This section has no survey."))
    request_data = {"participant": participant.id, "survey": survey.id, "answers": answers}

    def work() -> tuple[int, dict[str, Any]]:
        _refuse(hearing, section)
        _check_attendee(hearing, participant)
        response = surveys.submit_response(
            survey, participant, answers, channel="hearing", hearing_id=hearing.id
        )
        return 201, {"response_id": response.id}

    outcome = run_once(scope(hearing, "response"), key, request_data, work)
    return Submitted(outcome.body, outcome.replayed)


def has_answered(survey: Survey, participant: Participant) -> bool:
    """Whether this attendee already answered the survey (one response per participant)."""
    return survey_queries.has_answered(survey, participant.id)


# --- the projector's counters and the thread's hearing names --------------------------------


def _by_channel() -> dict[str, int]:
    return dict.fromkeys(CHANNELS, 0)


@dataclass
class LiveCounts:
    """What a hearing has received so far, by channel: who joined, comments, responses.

    Comments count whatever their moderation status, so a pre-moderated consultation's
    projector still moves while people post; the public pages count published ones only.
    """

    hearing_id: int
    attendees: dict[str, int] = field(default_factory=_by_channel)
    comments: dict[str, int] = field(default_factory=_by_channel)
    responses: dict[str, int] = field(default_factory=_by_channel)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for kind in ("attendees", "comments", "responses"):
            data[kind]["total"] = sum(getattr(self, kind).values())
        return data


def count_live(hearing: Hearing) -> LiveCounts:
    """The projector's counters in ONE grouped query (attendees, comments, responses)."""
    people = (
        select(
            literal("attendees").label("kind"),
            HearingAttendee.channel.label("channel"),
            func.count().label("n"),
        )
        .where(HearingAttendee.hearing_id == hearing.id)
        .group_by(HearingAttendee.channel)
    )
    said = (
        select(
            literal("comments").label("kind"),
            Comment.channel.label("channel"),
            func.count().label("n"),
        )
        .where(Comment.hearing_id == hearing.id, Comment.status != "withdrawn")
        .group_by(Comment.channel)
    )
    answered = (
        select(
            literal("responses").label("kind"),
            SurveyResponse.channel.label("channel"),
            func.count().label("n"),
        )
        .where(SurveyResponse.hearing_id == hearing.id)
        .group_by(SurveyResponse.channel)
    )
    counts = LiveCounts(hearing.id)
    for kind, channel, n in db.session.execute(union_all(people, said, answered)):
        getattr(counts, kind)[channel] = n
    return counts


def hearing_titles(hearing_ids: set[int]) -> dict[int, str]:
    """Titles of hearings by id, in one query: the thread's badge names the hearing."""
    rows = db.session.execute(select(Hearing.id, Hearing.title).where(Hearing.id.in_(hearing_ids)))
    return {row.id: row.title for row in rows}
