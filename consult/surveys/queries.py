"""Read side of surveys: what to show, who answered, and results computed in SQL."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from consult.core.datafile import Text
from consult.errors import NotFound
from consult.extensions import db
from consult.policy.models import Policy, Section
from consult.policy.queries import is_accepting_feedback
from consult.surveys import serializers
from consult.surveys.models import Answer, Question, Survey, SurveyResponse
from consult.surveys.types.base import Result


def list_policy_surveys(policy_id: int, include_drafts: bool = False) -> list[Survey]:
    """A policy's surveys in section order, with sections and questions loaded in bulk.

    The API lists every survey with its questions: three queries, whatever their number.
    """
    stmt = (
        select(Survey)
        .join(Section, Survey.section_id == Section.id)
        .where(Survey.policy_id == policy_id, Section.retired_at.is_(None))
        .order_by(Section.position, Survey.id)
        .options(contains_eager(Survey.section), selectinload(Survey.questions))
    )
    if not include_drafts:
        stmt = stmt.where(Survey.status != "draft")
    return list(db.session.scalars(stmt))


def get_section_survey(section: Section, include_drafts: bool = False) -> Survey | None:
    """The survey of a section, if any (a unique constraint allows one per section).

    Drafts are only for administrators, so other readers see no survey until it opens.
    """
    stmt = select(Survey).where(Survey.section_id == section.id)
    if not include_drafts:
        stmt = stmt.where(Survey.status != "draft")
    return db.session.scalar(stmt)


def get_policy_survey(policy_id: int, key: str) -> Survey | None:
    """A policy's survey by its key, drafts included: keys are what files and links name."""
    return db.session.scalar(select(Survey).where(Survey.policy_id == policy_id, Survey.key == key))


def section_panel(page: Any, overrides: dict[str, Any]) -> Any:
    """The section page's link to the section's survey (a `policy.hooks` panel)."""
    from consult.policy.hooks import Panel

    survey = get_section_survey(page.section)
    if survey is None:
        return None
    return Panel("surveys/_section_link.html", {"survey": survey})


def get_survey(survey_id: int, include_drafts: bool = False) -> Survey:
    """A survey to show, or NotFound: drafts and surveys of unpublished policies stay hidden."""
    survey = db.session.get(Survey, survey_id)
    if (
        survey is None
        or (survey.status == "draft" and not include_drafts)
        or survey.section.policy.status not in ("open", "closed", "published")
        and not include_drafts
    ):
        raise NotFound(_("No such survey."))
    return survey


def is_accepting_responses(survey: Survey) -> bool:
    """Open surveys take responses while their policy takes feedback; never otherwise."""
    return survey.status == "open" and is_accepting_feedback(survey.section.policy)


def count_responses(survey_id: int) -> int:
    """How many answered a survey; once any did, its structure is locked."""
    return (
        db.session.scalar(
            select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == survey_id)
        )
        or 0
    )


def count_responses_by_section(policy: Policy) -> dict[int, int]:
    """Responses per section id of a policy, in one query, for overviews and reports."""
    rows = db.session.execute(
        select(Survey.section_id, func.count(SurveyResponse.id))
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .where(Survey.policy_id == policy.id)
        .group_by(Survey.section_id)
    ).all()
    return dict(rows)


# --- questions ----------------------------------------------------------------------------


def get_stored_question(survey_id: int, key: str) -> Question | None:
    """A survey's question by key, retired or not: a reload revives a removed key."""
    return db.session.scalar(
        select(Question).where(Question.survey_id == survey_id, Question.key == key)
    )


def list_live_questions(survey_id: int) -> list[Question]:
    """The questions not retired, read afresh (the `Survey.questions` list may be stale)."""
    return list(
        db.session.scalars(
            select(Question).where(Question.survey_id == survey_id, Question.retired_at.is_(None))
        )
    )


def get_question(survey: Survey, key: str) -> Question:
    """A live question of a survey by key, or NotFound (keys are in the builder's URLs)."""
    for question in survey.questions:
        if question.key == key:
            return question
    raise NotFound(_("This survey has no question %(key)s.", key=key))


# --- respondents ----------------------------------------------------------------------------


def respondent_key(survey: Survey, participant_id: int) -> str:
    """The uniqueness key: the participant id, or an HMAC of it for anonymous surveys.

    The HMAC includes the survey id, so anonymous responses cannot be linked across surveys,
    and it is keyed with the server secret, so the database alone cannot reverse it.
    """
    if not survey.anonymous:
        return f"p:{participant_id}"
    secret = current_app.config.get("SURVEY_HMAC_KEY") or current_app.config["SECRET_KEY"]
    digest = hmac.new(
        secret.encode(), f"survey:{survey.id}:participant:{participant_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"a:{digest}"


def get_response(survey: Survey, participant_id: int) -> SurveyResponse | None:
    """A participant's response to a survey, found by the key even when it is anonymous."""
    return db.session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.respondent_key == respondent_key(survey, participant_id),
        )
    )


def has_answered(survey: Survey, participant_id: int | None) -> bool:
    """Whether a participant answered; respondents may see results that others may not yet."""
    return participant_id is not None and get_response(survey, participant_id) is not None


# --- results --------------------------------------------------------------------------------


def survey_results(survey: Survey) -> dict[str, Any]:
    """Per-question results for one survey, aggregated in SQL.

    Two queries (responses, respondents per question) and one per question type present,
    whatever the number of responses: each type says what its results are (see
    `consult.surveys.types`). `respondents` counts the responses that answered a question.
    """
    questions = list(survey.questions)
    total = count_responses(survey.id)
    results: dict[str, Result] = {
        q.key: {"type": q.type, "respondents": 0, **q.question_type.empty_result(q)}
        for q in questions
    }
    if questions and total:
        respondents = db.session.execute(
            select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
            .where(Answer.question_id.in_([q.id for q in questions]))
            .group_by(Answer.question_id)
        ).all()
        keys = {q.id: q.key for q in questions}
        for qid, n in respondents:
            results[keys[qid]]["respondents"] = n
        by_type: dict[str, list[Question]] = defaultdict(list)
        for q in questions:
            by_type[q.type].append(q)
        for same_type in by_type.values():
            same_type[0].question_type.aggregate(same_type, results)
    return {"survey": survey.key, "responses": total, "questions": results}


def export_for_participant(participant_id: int) -> list[dict[str, Any]]:
    """A person's survey responses for "download my data".

    Anonymous surveys hold no link to the account, so only the fact that a response exists
    is reported (found again through the keyed hash), never which response it is.
    """
    out: list[dict[str, Any]] = []
    named = db.session.execute(
        select(SurveyResponse, Survey.key)
        .join(Survey, SurveyResponse.survey_id == Survey.id)
        .where(SurveyResponse.participant_id == participant_id)
        .order_by(SurveyResponse.id)
    ).all()
    for response, key in named:
        # The response as the API shows it, with the survey named by its key.
        out.append({**serializers.response(response), "survey": key, "anonymous": False})
    anonymous = db.session.scalars(select(Survey).where(Survey.anonymous.is_(True))).all()
    if anonymous:
        keys = {respondent_key(s, participant_id): s.key for s in anonymous}
        found = db.session.scalars(
            select(SurveyResponse.respondent_key).where(SurveyResponse.respondent_key.in_(keys))
        ).all()
        out.extend({"survey": keys[k], "anonymous": True, "answered": True} for k in found)
    return out


# --- the builder's overview -------------------------------------------------------------


@dataclass
class SurveyRow:
    survey: Survey
    questions: int
    responses: int


@dataclass
class SectionRow:
    section: Section
    surveys: list[SurveyRow] = field(default_factory=list)


@dataclass
class PolicyRow:
    policy: Policy
    sections: list[SectionRow] = field(default_factory=list)


def list_builder_overview() -> list[PolicyRow]:
    """Every policy with its sections and their surveys and counts, in five queries.

    Retired sections appear only when they still carry a survey, so no survey is hidden.
    """
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.id)))
    questions = dict(
        db.session.execute(
            select(Question.survey_id, func.count(Question.id))
            .where(Question.retired_at.is_(None))
            .group_by(Question.survey_id)
        ).all()
    )
    responses = dict(
        db.session.execute(
            select(SurveyResponse.survey_id, func.count(SurveyResponse.id)).group_by(
                SurveyResponse.survey_id
            )
        ).all()
    )
    with_survey = {s.section_id for s in surveys}
    sections = db.session.scalars(
        select(Section)
        .where(Section.retired_at.is_(None) | Section.id.in_(with_survey))
        .order_by(Section.policy_id, Section.position)
    ).all()
    policies = db.session.scalars(select(Policy).order_by(Policy.id)).all()
    by_policy = {p.id: PolicyRow(p) for p in policies}
    by_section: dict[int, SectionRow] = {}
    for section in sections:
        by_section[section.id] = SectionRow(section)
        by_policy[section.policy_id].sections.append(by_section[section.id])
    for survey in surveys:
        by_section[survey.section_id].surveys.append(
            SurveyRow(survey, questions.get(survey.id, 0), responses.get(survey.id, 0))
        )
    return list(by_policy.values())


def get_section(section_id: int | None) -> Section:
    """A live section to build a survey for, or NotFound (retired sections take no new one)."""
    section = db.session.get(Section, section_id) if section_id else None
    if section is None or section.retired_at is not None:
        raise NotFound(_("No such section."))
    return section


def objectives_of(section: Section) -> list[tuple[str, Text]]:
    """The (key, text) pairs a question's `objectives` shorthand expands to, as in a file."""
    return [(o.key, o.text) for o in section.objectives if o.retired_at is None]
