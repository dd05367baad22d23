"""Validate a response against its questions, and turn answers into aggregate-ready rows.

One function serves the HTML form (after it is parsed into the API shape), the API and
paper-form imports, so every channel obeys the same rules. What a valid answer is depends
on the question's type (`consult.surveys.types`); the order, the conditions and "required"
are the same for every type, and live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _

from consult.errors import ValidationError
from consult.surveys.models import Question
from consult.surveys.types.base import AnswerRow


def condition_met(question: Question, answers: dict[str, Any]) -> bool:
    """Whether a conditional question applies, given the cleaned answers before it."""
    cond = question.condition
    if not cond:
        return True
    given = answers.get(cond["question"])
    if given is None:
        return False
    if "includes" in cond:
        return isinstance(given, list) and cond["includes"] in given
    return given == cond["equals"]


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def validate_answers(questions: Sequence[Question], raw: Any) -> dict[str, Any]:
    """Check every answer; raise one ValidationError naming each field that is wrong.

    All problems at once, so a person fixes the whole page in one go. An answer that is
    blank once cleaned (a text of spaces) counts as no answer.
    """
    if not isinstance(raw, dict):
        raise ValidationError(
            _("Send the answers as an object keyed by question."),
            {"answers": _("Must be an object.")},
        )
    by_key = {q.key: q for q in questions}
    errors: dict[str, str] = {}
    for key in raw:
        if key not in by_key:
            errors[str(key)[:64]] = _("There is no such question in this survey.")
    cleaned: dict[str, Any] = {}
    for q in questions:  # in order, so conditions see the earlier answers
        value = raw.get(q.key)
        if not condition_met(q, cleaned):
            if not _is_empty(value):
                errors[q.key] = _("Leave this empty: it applies only with another answer.")
            continue
        if _is_empty(value):
            if q.required:
                errors[q.key] = _("This question needs an answer.")
            continue
        try:
            result = q.question_type.clean(q, value)
        except ValueError as exc:
            errors[q.key] = str(exc)
            continue
        if _is_empty(result):
            if q.required:
                errors[q.key] = _("This question needs an answer.")
            continue
        cleaned[q.key] = result
    if errors:
        raise ValidationError(_("Some answers need your attention."), errors)
    return cleaned


def answer_rows(question: Question, value: Any) -> list[AnswerRow]:
    """The atomic rows one cleaned answer is stored as (see consult.surveys.models.Answer)."""
    return question.question_type.rows(question, value)
