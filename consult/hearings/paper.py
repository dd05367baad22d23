"""Paper forms of a hearing: entered by a facilitator, imported from a CSV, corrected later.

One paper form is one attendee (channel `paper`) with their profile, their comments on the
hearing's sections or objectives, and their answers to those sections' surveys. Every edge
(the entry screen, the CSV import, `POST /api/v1/hearings/<id>/submissions`) hands this
module the same shape, the API's:

    {"form_number": 17 | None,
     "participant": {"name", "show_name", "province", "stakeholder_group", "gender", "age_band"},
     "comments": [{"section", "objective"?, "stance"?, "body"}],
     "responses": [{"survey": key or id, "answers": {...}}]}

`check_paper_form` validates all of it and raises ONE `ValidationError` naming every field
(`form_number`, `participant.<field>`, `comments.<i>.<field>`, `responses.<i>.<question>`);
only then does `submit_paper_form` write the attendee, the comments and the responses.
Services flush; the edge commits, so a form lands whole or not at all.

Entry is allowed while the hearing is open and after it closed (paper stacks get typed up
after the hall empties), never before it opened; the consultation itself must still be
taking feedback, as for every other channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import Participant
from consult.comments import services as comments
from consult.comments.models import Comment, CommentRevision
from consult.comments.permissions import feedback_refusal
from consult.core import audit
from consult.core.params import DB_INT_MAX
from consult.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.hearings import permissions
from consult.hearings.attendees import AttendeeProfile, clean_profile, create_attendee, public_name
from consult.hearings.models import Hearing, HearingAttendee
from consult.policy.models import Objective, Section
from consult.surveys import queries as survey_queries
from consult.surveys import services as surveys
from consult.surveys.answers import validate_answers
from consult.surveys.models import Survey, SurveyResponse, SurveyResponseRevision

PROFILE_FIELDS = ("name", "show_name", "province", "stakeholder_group", "gender", "age_band")
MAX_COMMENTS = 200
MAX_RESPONSES = 50


@dataclass(frozen=True)
class PaperResult:
    """What a saved form became: the attendee, their comments and responses."""

    participant_id: int
    comment_ids: list[int]
    response_ids: list[int]
    form_number: int

    def as_json(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "comments": self.comment_ids,
            "responses": self.response_ids,
            "form_number": self.form_number,
        }


@dataclass(frozen=True)
class CleanComment:
    section: Section
    objective: Objective | None
    stance: str | None
    body: str

    @property
    def slot(self) -> tuple[int, int | None]:
        return (self.section.id, self.objective.id if self.objective else None)


@dataclass(frozen=True)
class CleanForm:
    """A form that passed every check, ready to write."""

    form_number: int | None
    profile: AttendeeProfile
    comments: list[CleanComment]
    responses: list[tuple[Survey, dict[str, Any]]]

    def canonical(self) -> dict[str, Any]:
        """The form's content, order aside: what "the same form" means on re-import."""
        return {
            "participant": {
                "name": self.profile.name,
                "show_name": self.profile.show_name,
                "province": self.profile.province,
                "stakeholder_group": self.profile.stakeholder_group,
                "gender": self.profile.gender,
                "age_band": self.profile.age_band,
            },
            "comments": sorted(
                (c.section.slug, c.objective.key if c.objective else "", c.stance or "", c.body)
                for c in self.comments
            ),
            "responses": {s.key: answers for s, answers in self.responses},
        }


@dataclass
class Scope:
    """What a hearing's forms may speak to: in-scope sections, objectives and surveys."""

    sections: dict[str, Section]
    objectives: dict[str, dict[str, Objective]]
    surveys: dict[str, Survey] = field(default_factory=dict)  # by section slug

    def survey_by_ref(self, ref: Any) -> Survey | None:
        for survey in self.surveys.values():
            if ref == survey.key or (isinstance(ref, int) and ref == survey.id):
                return survey
        return None


def scope_of(hearing: Hearing) -> Scope:
    """The hearing's live sections in document order, their objectives and open surveys."""
    sections = {s.slug: s for s in hearing.sections if s.retired_at is None}
    objectives = {
        slug: {o.key: o for o in s.objectives if o.retired_at is None}
        for slug, s in sections.items()
    }
    scope = Scope(sections, objectives)
    for slug, section in sections.items():
        survey = survey_queries.get_section_survey(section)
        if survey is not None:
            scope.surveys[slug] = survey
    return scope


def idempotency_scope(hearing: Hearing) -> str:
    """The `run_once` scope of a hearing's paper forms: entry screen and API alike."""
    return f"hearing:{hearing.id}:paper"


# --- permission and state -----------------------------------------------------------------


def entry_refusal(actor: Any, hearing: Hearing) -> DomainError | None:
    """Why this person may not enter paper forms for this hearing now, or None."""
    refusal = permissions.manage_refusal(actor, hearing)
    if refusal:
        return PermissionDenied(refusal)
    if hearing.status == "scheduled":
        return Conflict(
            _("Paper forms are entered once the hearing has opened."),
            {"hearing": _("The hearing has not opened yet.")},
        )
    refusal = feedback_refusal(hearing.policy)
    if refusal:
        return Conflict(refusal)
    return None


def _authorize(actor: Any, hearing: Hearing) -> None:
    error = entry_refusal(actor, hearing)
    if error is not None:
        raise error


# --- validation ---------------------------------------------------------------------------


def clean_form_number(raw: Any, errors: dict[str, str]) -> int | None:
    """A positive whole number, or None for "the next free one"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        number = int(raw.strip())
    else:
        number = None
    if number is None or not 1 <= number <= DB_INT_MAX:
        errors["form_number"] = _("A form number is a whole number from 1.")
        return None
    return number


def _clean_comment(
    scope: Scope, raw: Any, where: str, errors: dict[str, str]
) -> CleanComment | None:
    if not isinstance(raw, dict):
        errors[where] = _("Must be an object with section and body.")
        return None
    unknown = set(raw) - {"section", "objective", "stance", "body"}
    for name in sorted(unknown)[:5]:
        errors[f"{where}.{str(name)[:40]}"] = _("Unknown field.")
    section = (
        scope.sections.get(raw.get("section")) if isinstance(raw.get("section"), str) else None
    )
    if section is None:
        errors[f"{where}.section"] = _("Not a section this hearing covers.")
    objective = None
    key = raw.get("objective")
    if key not in (None, "") and section is not None:
        objective = scope.objectives[section.slug].get(key) if isinstance(key, str) else None
        if objective is None:
            errors[f"{where}.objective"] = _(
                "Not an objective of section %(section)s.", section=section.slug
            )
    stance = None
    try:
        stance = comments.clean_stance(raw.get("stance"))
    except ValidationError:
        errors[f"{where}.stance"] = _("Choose one of: %(codes)s.", codes=_stance_codes())
    body = ""
    try:
        body = comments.clean_body(raw.get("body"))
    except ValidationError as exc:
        errors[f"{where}.body"] = next(iter(exc.fields.values()), exc.message)
    if f"{where}.section" in errors or any(k.startswith(where + ".") for k in errors):
        return None
    assert section is not None
    return CleanComment(section, objective, stance, body)


def _stance_codes() -> str:
    from consult.core.vocab import STANCES

    return ", ".join(STANCES)


def check_paper_form(hearing: Hearing, data: Any, scope: Scope | None = None) -> CleanForm:
    """Validate a whole form; raise one ValidationError naming every wrong field."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send the form as an object."), {"form": _("Must be an object.")})
    scope = scope or scope_of(hearing)
    errors: dict[str, str] = {}
    form_number = clean_form_number(data.get("form_number"), errors)

    raw_profile = data.get("participant") or {}
    profile = AttendeeProfile()
    if not isinstance(raw_profile, dict):
        errors["participant"] = _("Must be an object.")
    else:
        for name in sorted(set(raw_profile) - set(PROFILE_FIELDS))[:5]:
            errors[f"participant.{str(name)[:40]}"] = _("Unknown field.")
        try:
            profile = clean_profile(raw_profile)
        except ValidationError as exc:
            errors.update({f"participant.{k}": v for k, v in exc.fields.items()})

    raw_comments = data.get("comments") or []
    cleaned: list[CleanComment] = []
    if not isinstance(raw_comments, list) or len(raw_comments) > MAX_COMMENTS:
        errors["comments"] = _("Send at most %(n)d comments as a list.", n=MAX_COMMENTS)
        raw_comments = []
    seen: dict[tuple[int, int | None], int] = {}
    for i, raw in enumerate(raw_comments):
        comment = _clean_comment(scope, raw, f"comments.{i}", errors)
        if comment is None:
            continue
        if comment.slot in seen:
            errors[f"comments.{i}.objective"] = _(
                "A form has one comment per section or objective; this one repeats comment %(n)d.",
                n=seen[comment.slot] + 1,
            )
            continue
        seen[comment.slot] = i
        cleaned.append(comment)

    raw_responses = data.get("responses") or []
    responses: list[tuple[Survey, dict[str, Any]]] = []
    if not isinstance(raw_responses, list) or len(raw_responses) > MAX_RESPONSES:
        errors["responses"] = _("Send at most %(n)d responses as a list.", n=MAX_RESPONSES)
        raw_responses = []
    answered: set[int] = set()
    for i, raw in enumerate(raw_responses):
        where = f"responses.{i}"
        if not isinstance(raw, dict) or set(raw) - {"survey", "answers"}:
            errors[where] = _("Must be an object with survey and answers.")
            continue
        survey = scope.survey_by_ref(raw.get("survey"))
        if survey is None:
            errors[f"{where}.survey"] = _("Not a survey of a section this hearing covers.")
            continue
        if survey.id in answered:
            errors[f"{where}.survey"] = _("This survey is already answered on this form.")
            continue
        answered.add(survey.id)
        if not survey_queries.is_accepting_responses(survey):
            errors[f"{where}.survey"] = _("This survey is not taking responses now.")
            continue
        try:
            responses.append((survey, validate_answers(survey.questions, raw.get("answers"))))
        except ValidationError as exc:
            errors.update({f"{where}.{k}": v for k, v in exc.fields.items()})
    if errors:
        raise ValidationError(_("Please correct the form: nothing was saved."), errors)
    return CleanForm(form_number, profile, cleaned, responses)


# --- form numbers -------------------------------------------------------------------------


def next_form_number(hearing: Hearing) -> int:
    """The next free number: one more than the highest entered so far."""
    highest = db.session.scalar(
        select(func.max(HearingAttendee.form_number)).where(
            HearingAttendee.hearing_id == hearing.id
        )
    )
    return (highest or 0) + 1


def get_form(hearing: Hearing, form_number: int) -> HearingAttendee | None:
    return db.session.scalar(
        select(HearingAttendee).where(
            HearingAttendee.hearing_id == hearing.id,
            HearingAttendee.form_number == form_number,
        )
    )


def duplicate_number(hearing: Hearing, form_number: int) -> Conflict:
    return Conflict(
        _(
            "Form %(n)d is already entered for this hearing. Correct it from the list of "
            "entered forms instead.",
            n=form_number,
        ),
        {"form_number": _("Form %(n)d is already entered.", n=form_number)},
    )


# --- writing ------------------------------------------------------------------------------


def submit_paper_form(
    actor: Any, hearing: Hearing, data: Any, *, audited: bool = True, scope: Scope | None = None
) -> PaperResult:
    """Validate and save one paper form (attendee, comments, responses) in the caller's
    transaction; a duplicate form number is a Conflict and nothing is written."""
    _authorize(actor, hearing)
    form = check_paper_form(hearing, data, scope)
    return write_form(actor, hearing, form, audited=audited)


def write_form(actor: Any, hearing: Hearing, form: CleanForm, *, audited: bool = True):
    """Write a checked form (the caller authorized it)."""
    number = form.form_number or next_form_number(hearing)
    if get_form(hearing, number) is not None:
        raise duplicate_number(hearing, number)
    try:
        participant = create_attendee(
            hearing, form.profile, "paper", entered_by_id=actor.id, form_number=number
        )
    except IntegrityError as exc:  # a concurrent entry took the number; the edge rolls back
        raise duplicate_number(hearing, number) from exc
    comment_ids = [
        comments.post_attendee_comment(
            participant,
            c.section,
            c.body,
            objective_key=c.objective.key if c.objective else None,
            stance=c.stance,
            channel="paper",
            hearing_id=hearing.id,
            dedupe=False,
        ).comment.id
        for c in form.comments
    ]
    response_ids = [
        surveys.submit_response(survey, participant, answers, "paper", hearing.id).id
        for survey, answers in form.responses
    ]
    if audited:
        audit.record(
            "hearing.paper_form",
            actor_id=actor.id,
            target_type="hearing",
            target_id=hearing.id,
            data={
                "form_number": number,
                "participant_id": participant.id,
                "comments": len(comment_ids),
                "responses": len(response_ids),
            },
        )
    return PaperResult(participant.id, comment_ids, response_ids, number)


# --- reading a stored form back -----------------------------------------------------------


def _form_comments(attendee: HearingAttendee) -> list[Comment]:
    """The form's live comments (top level, from paper), in slot order."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(
                Comment.participant_id == attendee.participant_id,
                Comment.hearing_id == attendee.hearing_id,
                Comment.parent_id.is_(None),
                Comment.status.in_(("published", "pending")),
            )
            .order_by(Comment.id)
        )
    )


def stored_form(hearing: Hearing, attendee: HearingAttendee, scope: Scope | None = None):
    """A stored form in the API's shape, as `check_paper_form` takes it back."""
    scope = scope or scope_of(hearing)
    participant = db.session.get(Participant, attendee.participant_id)
    data: dict[str, Any] = {
        "form_number": attendee.form_number,
        "participant": {
            "name": attendee.given_name,
            "show_name": attendee.show_name,
            "province": participant.province,
            "stakeholder_group": participant.stakeholder_group,
            "gender": participant.gender,
            "age_band": participant.age_band,
        },
        "comments": [
            {
                "section": c.section.slug,
                "objective": c.objective.key if c.objective else None,
                "stance": c.stance,
                "body": c.body,
            }
            for c in _form_comments(attendee)
        ],
        "responses": [],
    }
    for survey in scope.surveys.values():
        response = survey_queries.get_response(survey, attendee.participant_id)
        if response is not None:
            data["responses"].append({"survey": survey.key, "answers": response.answers})
    return data


def same_content(hearing: Hearing, attendee: HearingAttendee, form: CleanForm, scope=None):
    """Whether a checked form says exactly what the stored form with its number says."""
    try:
        stored = check_paper_form(hearing, stored_form(hearing, attendee, scope), scope)
    except ValidationError:
        return False
    return stored.canonical() == form.canonical()


# --- corrections --------------------------------------------------------------------------


def correct_paper_form(actor: Any, hearing: Hearing, form_number: int, data: Any) -> PaperResult:
    """Correct an entered form; earlier comment texts and answers are kept as revisions.

    The form's content is replaced by `data`: changed comments are edited (a
    `CommentRevision` keeps the old text), emptied ones withdrawn (the text stays in the
    record), new ones posted; changed answers replace the response's (a
    `SurveyResponseRevision` keeps the old ones). A response cannot be removed. The form
    number itself does not change. One `hearing.paper_correct` audit entry lists what did.
    """
    refusal = permissions.manage_refusal(actor, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    attendee = get_form(hearing, form_number)
    if attendee is None:
        raise NotFound(_("No form %(n)d was entered for this hearing.", n=form_number))
    _authorize(actor, hearing)
    scope = scope_of(hearing)
    if isinstance(data, dict):
        data = {**data, "form_number": form_number}
    form = check_paper_form(hearing, data, scope)
    participant = db.session.get(Participant, attendee.participant_id)
    changed: list[str] = []

    profile = form.profile
    for name in ("province", "stakeholder_group", "gender", "age_band"):
        if getattr(participant, name) != getattr(profile, name):
            setattr(participant, name, getattr(profile, name))
            changed.append(f"participant.{name}")
    if (attendee.given_name, attendee.show_name) != (profile.name, profile.show_name):
        attendee.given_name, attendee.show_name = profile.name, profile.show_name
        changed.append("participant.name")
    participant.display_name = public_name(hearing, profile)

    existing = {(c.section_id, c.objective_id): c for c in _form_comments(attendee)}
    comment_ids: list[int] = []
    for c in form.comments:
        old = existing.pop(c.slot, None)
        label = f"comment {c.section.slug}" + (f".{c.objective.key}" if c.objective else "")
        if old is None:
            new = comments.post_attendee_comment(
                participant,
                c.section,
                c.body,
                objective_key=c.objective.key if c.objective else None,
                stance=c.stance,
                channel="paper",
                hearing_id=hearing.id,
                dedupe=False,
            ).comment
            comment_ids.append(new.id)
            changed.append(f"{label} added")
        else:
            if (old.body, old.stance) != (c.body, c.stance):
                comments.edit_attendee_comment(old, c.body, c.stance)
                changed.append(f"{label} edited")
            comment_ids.append(old.id)
    for old in existing.values():
        comments.withdraw_attendee_comment(old)
        changed.append(f"comment {old.id} withdrawn")

    response_ids: list[int] = []
    given = {survey.id: answers for survey, answers in form.responses}
    errors: dict[str, str] = {}
    for survey in scope.surveys.values():
        response = survey_queries.get_response(survey, participant.id)
        if survey.id not in given:
            if response is not None:
                errors[f"responses.{survey.key}"] = _(
                    "A survey response cannot be removed; correct its answers instead."
                )
            continue
        if response is None:
            response = surveys.submit_response(
                survey, participant, given[survey.id], "paper", hearing.id
            )
            changed.append(f"response {survey.key} added")
        else:
            version = response.version
            response = surveys.change_response(survey, participant, given[survey.id])
            if response.version != version:
                changed.append(f"response {survey.key} changed")
        _copy_profile(response, participant)
        response_ids.append(response.id)
    if errors:
        raise ValidationError(_("Please correct the form: nothing was saved."), errors)
    db.session.flush()
    if changed:
        audit.record(
            "hearing.paper_correct",
            actor_id=actor.id,
            target_type="hearing",
            target_id=hearing.id,
            data={"form_number": form_number, "changes": changed},
        )
    return PaperResult(participant.id, comment_ids, response_ids, form_number)


def _copy_profile(response: SurveyResponse, participant: Participant) -> None:
    """Responses carry the respondent's profile codes (for anonymous breakdowns)."""
    for name in ("province", "stakeholder_group", "gender", "age_band"):
        setattr(response, name, getattr(participant, name))


# --- the list of entered forms ------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    attendee: HearingAttendee
    comments: int
    responses: int
    revisions: int  # comment revisions plus earlier versions of responses
    # (responses of anonymous surveys carry no participant and are not counted here)


def list_forms(hearing: Hearing) -> list[FormRow]:
    """The hearing's paper forms by number, with counts; four queries whatever their number."""
    attendees = list(
        db.session.scalars(
            select(HearingAttendee)
            .where(HearingAttendee.hearing_id == hearing.id, HearingAttendee.channel == "paper")
            .order_by(HearingAttendee.form_number)
        )
    )
    ids = [a.participant_id for a in attendees]
    n_comments: dict[int, int] = {}
    n_responses: dict[int, int] = {}
    n_revisions: dict[int, int] = {}
    if ids:
        n_comments = dict(
            db.session.execute(
                select(Comment.participant_id, func.count())
                .where(
                    Comment.participant_id.in_(ids),
                    Comment.hearing_id == hearing.id,
                    Comment.status.in_(("published", "pending")),
                )
                .group_by(Comment.participant_id)
            ).all()
        )
        n_responses = dict(
            db.session.execute(
                select(SurveyResponse.participant_id, func.count(SurveyResponse.id))
                .where(
                    SurveyResponse.participant_id.in_(ids),
                    SurveyResponse.hearing_id == hearing.id,
                )
                .group_by(SurveyResponse.participant_id)
            ).all()
        )
        comment_revisions = dict(
            db.session.execute(
                select(Comment.participant_id, func.count(CommentRevision.id))
                .join(CommentRevision, CommentRevision.comment_id == Comment.id)
                .where(Comment.participant_id.in_(ids), Comment.hearing_id == hearing.id)
                .group_by(Comment.participant_id)
            ).all()
        )
        response_revisions = dict(
            db.session.execute(
                select(SurveyResponse.participant_id, func.count(SurveyResponseRevision.id))
                .join(
                    SurveyResponseRevision,
                    SurveyResponseRevision.response_id == SurveyResponse.id,
                )
                .where(SurveyResponse.participant_id.in_(ids))
                .group_by(SurveyResponse.participant_id)
            ).all()
        )
        n_revisions = {
            pid: comment_revisions.get(pid, 0) + response_revisions.get(pid, 0) for pid in ids
        }
    return [
        FormRow(
            a,
            n_comments.get(a.participant_id, 0),
            n_responses.get(a.participant_id, 0),
            n_revisions.get(a.participant_id, 0),
        )
        for a in attendees
    ]


@dataclass(frozen=True)
class FormHistory:
    comment_revisions: list[tuple[Comment, list[CommentRevision]]]
    response_revisions: list[tuple[Survey, list[SurveyResponseRevision]]]


def form_history(hearing: Hearing, attendee: HearingAttendee) -> FormHistory:
    """Earlier versions of the form's comments and answers, oldest first."""
    all_comments = list(
        db.session.scalars(
            select(Comment)
            .where(
                Comment.participant_id == attendee.participant_id,
                Comment.hearing_id == hearing.id,
            )
            .order_by(Comment.id)
        )
    )
    revisions: dict[int, list[CommentRevision]] = {}
    if all_comments:
        for rev in db.session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id.in_([c.id for c in all_comments]))
            .order_by(CommentRevision.comment_id, CommentRevision.version)
        ):
            revisions.setdefault(rev.comment_id, []).append(rev)
    commented = [(c, revisions[c.id]) for c in all_comments if c.id in revisions]
    answered: list[tuple[Survey, list[SurveyResponseRevision]]] = []
    for survey in scope_of(hearing).surveys.values():
        response = survey_queries.get_response(survey, attendee.participant_id)
        if response is None:
            continue
        revs = list(
            db.session.scalars(
                select(SurveyResponseRevision)
                .where(SurveyResponseRevision.response_id == response.id)
                .order_by(SurveyResponseRevision.version)
            )
        )
        if revs:
            answered.append((survey, revs))
    return FormHistory(commented, answered)
