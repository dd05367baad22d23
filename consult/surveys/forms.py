"""Read a survey's HTML form into the answers shape the API uses (one validator for both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from consult.surveys.models import NO_OPINION, Question


def field_name(question: Question, item: str | None = None) -> str:
    return f"q.{question.key}" + (f".{item}" if item else "")


def _scale(raw: str | None) -> int | str | None:
    if not raw:
        return None
    if raw == NO_OPINION:
        return raw
    return int(raw) if raw.isdigit() else raw


def parse_form(
    questions: Sequence[Question], form: MultiDict
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (answers, errors); errors are problems the form itself makes impossible."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        items = [i["key"] for i in q.config.get("options") or q.config.get("rows") or []]
        name = field_name(q)
        if q.type == "likert":
            answers[q.key] = _scale(form.get(name))
        elif q.type == "matrix":
            rows = {k: _scale(form.get(field_name(q, k))) for k in items}
            answers[q.key] = {k: v for k, v in rows.items() if v is not None}
        elif q.type == "single":
            answers[q.key] = form.get(name) or None
        elif q.type == "multiple":
            answers[q.key] = form.getlist(name)
        elif q.type == "ranking":
            ranks: dict[str, int] = {}
            for k in items:
                raw = form.get(field_name(q, k), "")
                if raw.isdigit():
                    ranks[k] = int(raw)
                elif raw:
                    errors[q.key] = _("Choose a place in the order for each item.")
            if len(set(ranks.values())) != len(ranks):
                errors[q.key] = _("Each place in the order can be used only once.")
            answers[q.key] = [k for k, _rank in sorted(ranks.items(), key=lambda kv: kv[1])]
        elif q.type == "text":
            answers[q.key] = form.get(name, "")
        elif q.type == "number":
            raw = form.get(name, "").strip().replace(",", "")
            if not raw:
                answers[q.key] = None
            else:
                try:
                    number = float(raw)
                except ValueError:
                    errors[q.key] = _("Enter a number.")
                    continue
                answers[q.key] = int(number) if number.is_integer() else number
    return answers, errors


def form_values(questions: Sequence[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """The inverse of parse_form: what each input shows, for redisplay and editing."""
    values: dict[str, Any] = {}
    for q in questions:
        value = answers.get(q.key)
        if value is None:
            continue
        if q.type == "matrix":
            for k, v in value.items():
                values[field_name(q, k)] = str(v)
        elif q.type == "ranking":
            for rank, k in enumerate(value, start=1):
                values[field_name(q, k)] = str(rank)
        elif q.type == "multiple":
            values[field_name(q)] = list(value)
        else:
            values[field_name(q)] = str(value)
    return values
