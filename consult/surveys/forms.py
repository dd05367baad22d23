"""Read a survey's HTML form into the answers shape the API uses (one validator for both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from werkzeug.datastructures import MultiDict

from consult.surveys.models import Question
from consult.surveys.types.base import field_name

__all__ = ["field_name", "form_values", "parse_form"]


def parse_form(
    questions: Sequence[Question], form: MultiDict
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (answers, errors); errors are problems the form itself makes impossible.

    Each question's type reads its own inputs, so the page and the API share one validator.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        value, error = q.question_type.read_form(q, form)
        if error:
            errors[q.key] = error
        else:
            answers[q.key] = value
    return answers, errors


def form_values(questions: Sequence[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """The inverse of parse_form: what each input shows, for redisplay and editing."""
    values: dict[str, Any] = {}
    for q in questions:
        value = answers.get(q.key)
        if value is not None:
            values.update(q.question_type.form_values(q, value))
    return values
