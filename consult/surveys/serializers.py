"""Surveys, questions and responses as JSON: one shape each, for the API and personal data.

Only what a respondent may see: a response never carries the participant behind it, and
an anonymous response is never serialised for "download my data" at all (see
`queries.export_for_participant`).
"""

from __future__ import annotations

from typing import Any

from consult.core.i18n import localized
from consult.surveys.models import Question, Survey, SurveyResponse


def question(item: Question, lang: str) -> dict[str, Any]:
    """A question in `lang`: the common fields, then its type's (options, scale, limits)."""
    data: dict[str, Any] = {
        "key": item.key,
        "type": item.type,
        "prompt": localized(item.prompt, lang),
        "help": localized(item.help, lang) or None,
        "required": item.required,
        **item.question_type.serialize(item, lang),
    }
    if item.condition:
        data["condition"] = item.condition
    return data


def survey(item: Survey, lang: str) -> dict[str, Any]:
    """A survey with its live questions, in `lang` (English where a text is untranslated)."""
    return {
        "id": item.id,
        "key": item.key,
        "section": item.section.slug,
        "title": localized(item.title, lang),
        "intro": localized(item.intro, lang) or None,
        "status": item.status,
        "anonymous": item.anonymous,
        "questions": [question(q, lang) for q in item.questions],
    }


def response(item: SurveyResponse) -> dict[str, Any]:
    """A response as its respondent sees it: the cleaned answers and their version."""
    return {
        "id": item.id,
        "survey": item.survey_id,
        "version": item.version,
        "answers": item.answers,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }
