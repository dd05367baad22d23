"""Survey rules: syncing definitions (with the structural lock), answering, changing.

Functions flush and never commit: the edge that calls them is one transaction
(`consult.core.transaction`). Reads live in `queries`, permissions in `permissions`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import Participant
from consult.core import audit
from consult.core.models import utcnow
from consult.core.vocab import CHANNELS
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.policy import hooks as policy_hooks
from consult.policy.models import Policy, Section
from consult.surveys import permissions, queries
from consult.surveys.answers import answer_rows, validate_answers
from consult.surveys.definitions import QuestionDef, SurveyDef
from consult.surveys.models import (
    SURVEY_STATUSES,
    Answer,
    Question,
    Survey,
    SurveyResponse,
    SurveyResponseRevision,
    SurveyRevision,
)


class SurveyLocked(Conflict):
    """A change that would alter what existing answers mean."""

    code = "survey_locked"


def _revision(
    survey: Survey, question_key: str | None, field: str, value: Any, actor_id: int | None
) -> None:
    db.session.add(
        SurveyRevision(
            survey_id=survey.id,
            question_key=question_key,
            field=field,
            value=value,
            actor_id=actor_id,
        )
    )


def _set(
    entity: Any,
    attr: str,
    value: Any,
    survey: Survey,
    qkey: str | None,
    changes: list[str],
    actor_id: int | None,
    wording: bool,
) -> None:
    if getattr(entity, attr) == value:
        return
    setattr(entity, attr, value)
    if entity.id is not None:
        label = f"survey {survey.key}" + (f" question {qkey}" if qkey else "")
        changes.append(f"{label}.{attr} changed")
        if wording:
            _revision(survey, qkey, attr, value, actor_id)


def apply_question(
    survey: Survey,
    qdef: QuestionDef,
    position: int,
    has_responses: bool,
    changes: list[str],
    actor_id: int | None = None,
) -> Question:
    """Create or update one question; refuse structural changes once answered.

    Files and the builder both store questions here, so one structural lock holds for both:
    once a survey has responses, a question's type and items keep their meaning.
    """
    question = queries.get_stored_question(survey.id, qdef.key)
    if question is None:
        question = Question(
            survey_id=survey.id,
            key=qdef.key,
            position=position,
            type=qdef.type,
            prompt=qdef.prompt,
            help=qdef.help,
            required=qdef.required,
            config=qdef.config,
            condition=qdef.condition,
        )
        db.session.add(question)
        changes.append(f"survey {survey.key} question {qdef.key} added")
        return question
    if has_responses and question.question_type.signature(question) != qdef.signature():
        raise SurveyLocked(
            _(
                "Survey %(survey)s already has responses: question %(question)s cannot change "
                "its type or its options, only their wording.",
                survey=survey.key,
                question=qdef.key,
            ),
            {f"questions.{qdef.key}": _("Locked: the survey has responses.")},
        )
    question.type = qdef.type
    for attr, value, wording in (
        ("position", position, False),
        ("retired_at", None, False),
        ("prompt", qdef.prompt, True),
        ("help", qdef.help, True),
        ("required", qdef.required, False),
        ("config", qdef.config, True),
        ("condition", qdef.condition, False),
    ):
        _set(question, attr, value, survey, qdef.key, changes, actor_id, wording)
    return question


def retire_question(
    survey: Survey, question: Question, has_responses: bool, changes: list[str]
) -> None:
    """Retire a question, never delete it: the record keeps what was asked."""
    if has_responses:
        raise SurveyLocked(
            _(
                "Survey %(survey)s already has responses: question %(question)s cannot be removed.",
                survey=survey.key,
                question=question.key,
            ),
            {f"questions.{question.key}": _("Locked: the survey has responses.")},
        )
    question.retired_at = utcnow()
    changes.append(f"survey {survey.key} question {question.key} removed")


def sync_section_surveys(
    policy: Policy,
    section: Section,
    defs: tuple[SurveyDef, ...],
    changes: list[str],
    actor_id: int | None = None,
) -> None:
    """Upsert the surveys a policy file declares for a section, by survey and question key.

    Keys, not ids, match file entries to rows, so a reload never orphans a response.
    """
    for sdef in defs:
        survey = queries.get_policy_survey(policy.id, sdef.key)
        if survey is None or survey.section_id != section.id:
            _check_section_free(section, survey)
        if survey is None:
            survey = Survey(
                policy_id=policy.id,
                section_id=section.id,
                key=sdef.key,
                title=sdef.title,
                intro=sdef.intro,
                status=sdef.status,
                anonymous=sdef.anonymous,
                show_results=sdef.show_results,
                from_file=True,
            )
            db.session.add(survey)
            db.session.flush()
            if changes is not None and policy.id is not None:
                changes.append(f"survey {sdef.key} added")
        has_responses = queries.count_responses(survey.id) > 0
        if has_responses and (
            survey.anonymous != sdef.anonymous or survey.section_id != section.id
        ):
            raise SurveyLocked(
                _(
                    "Survey %(survey)s already has responses: its section and anonymity cannot "
                    "change.",
                    survey=sdef.key,
                ),
                {"anonymous": _("Locked: the survey has responses.")},
            )
        survey.section_id = section.id
        for attr, value, wording in (
            ("title", sdef.title, True),
            ("intro", sdef.intro, True),
            ("status", sdef.status, False),
            ("anonymous", sdef.anonymous, False),
            ("show_results", sdef.show_results, False),
        ):
            _set(survey, attr, value, survey, None, changes, actor_id, wording)
        wanted = {q.key for q in sdef.questions}
        for position, qdef in enumerate(sdef.questions, start=1):
            apply_question(survey, qdef, position, has_responses, changes, actor_id)
        for question in queries.list_live_questions(survey.id):
            if question.key not in wanted:
                retire_question(survey, question, has_responses, changes)
        db.session.flush()
        db.session.expire(survey, ["questions"])


def _check_section_free(section: Section, moving: Survey | None) -> None:
    """One survey per section (a unique constraint): say which survey holds the section."""
    holder = queries.get_section_survey(section, include_drafts=True)
    if holder is not None and holder is not moving:
        raise Conflict(
            _("This section already has a survey."),
            {f"sections.{section.slug}": f"survey {holder.key}"},
        )


# --- answering -------------------------------------------------------------------------


def _authorize_answer(survey: Survey, participant: Participant) -> None:
    """Refuse with the reason a person can act on; hearing attendees have no account."""
    if not queries.is_accepting_responses(survey):
        raise PermissionDenied(_("This survey is not taking responses now."))
    user = participant.user
    if user is None or permissions.can_answer(user, survey):
        return
    if not user.is_banned and not user.is_confirmed:
        raise PermissionDenied(_("Confirm your email address first: open the link we sent you."))
    raise PermissionDenied(_("Your account is suspended from taking part."))


def _write_answers(response: SurveyResponse, survey: Survey, answers: dict[str, Any]) -> None:
    questions = {q.key: q for q in survey.questions}
    for key, value in answers.items():
        for row in answer_rows(questions[key], value):
            db.session.add(Answer(response_id=response.id, question_id=questions[key].id, **row))


def submit_response(
    survey: Survey,
    participant: Participant,
    raw: Any,
    channel: str = "online",
    hearing_id: int | None = None,
) -> SurveyResponse:
    """Record a participant's first response; a second one is a Conflict (409).

    The unique respondent key decides between two concurrent first responses, so a person
    has one response per survey even when they press the button twice.
    """
    _authorize_answer(survey, participant)
    if channel not in CHANNELS:
        raise ValidationError(_("Unknown channel."), {"channel": _("Not a valid channel.")})
    answers = validate_answers(survey.questions, raw)
    key = queries.respondent_key(survey, participant.id)
    duplicate = Conflict(
        _("You have already answered this survey. You can change your answers instead."),
        {"survey": _("Already answered.")},
    )
    if queries.get_response(survey, participant.id) is not None:
        raise duplicate
    response = SurveyResponse(
        survey_id=survey.id,
        respondent_key=key,
        participant_id=None if survey.anonymous else participant.id,
        channel=channel,
        stream=policy_hooks.resolve_stream(participant.id, survey.policy_id),
        hearing_id=hearing_id,
        province=participant.province,
        stakeholder_group=participant.stakeholder_group,
        gender=participant.gender,
        age_band=participant.age_band,
        answers=answers,
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError as exc:  # a concurrent submission by the same person won
        raise duplicate from exc
    _write_answers(response, survey, answers)
    db.session.flush()
    return response


def change_response(survey: Survey, participant: Participant, raw: Any) -> SurveyResponse:
    """Replace one's answers while the survey is open; the old ones become a revision.

    The record is permanent: what a person answered first stays in the revisions.
    """
    _authorize_answer(survey, participant)
    response = queries.get_response(survey, participant.id)
    if response is None:
        raise NotFound(_("You have not answered this survey yet."))
    answers = validate_answers(survey.questions, raw)
    if answers == response.answers:
        return response
    db.session.add(
        SurveyResponseRevision(
            response_id=response.id, version=response.version, answers=response.answers
        )
    )
    db.session.execute(delete(Answer).where(Answer.response_id == response.id))
    response.answers = answers
    response.version += 1
    response.updated_at = utcnow()
    _write_answers(response, survey, answers)
    db.session.flush()
    return response


def set_survey_status(survey: Survey, status: str, actor_id: int | None) -> None:
    """Open, close or return a survey to draft, with an audit entry for the record."""
    if status not in SURVEY_STATUSES:
        raise ValidationError(_("Unknown status."), {"status": _("Not a valid status.")})
    if survey.status != status:
        audit.record(
            "survey.status",
            actor_id=actor_id,
            target_type="survey",
            target_id=survey.id,
            data={"from": survey.status, "to": status},
        )
        survey.status = status


def definition_of(question: Question) -> dict[str, Any]:
    """A stored question in the shape a policy file gives it to `parse_question`.

    The builder re-parses stored questions this way to check that conditions still hold.
    """
    raw: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "prompt": question.prompt,
        "required": question.required,
    }
    if question.help:
        raw["help"] = question.help
    raw.update({k: v for k, v in (question.config or {}).items() if v is not None})
    if question.condition:
        raw["condition"] = dict(question.condition)
    return raw
