"""Validate a response against its questions, and turn answers into aggregate-ready rows.

One function serves the HTML form (after it is parsed into the API shape), the API and
paper-form imports, so every channel obeys the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _

from consult.errors import ValidationError
from consult.surveys.models import NO_OPINION, Question

LIKERT = (1, 2, 3, 4, 5)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scale_value(value: Any, no_opinion: bool) -> int | str:
    if _is_int(value) and value in LIKERT:
        return value
    if no_opinion and value == NO_OPINION:
        return value
    if no_opinion:
        raise ValueError(_("Choose 1 to 5, or “no opinion”."))
    raise ValueError(_("Choose 1 to 5."))


def condition_met(question: Question, answers: dict[str, Any]) -> bool:
    cond = question.condition
    if not cond:
        return True
    given = answers.get(cond["question"])
    if given is None:
        return False
    if "includes" in cond:
        return isinstance(given, list) and cond["includes"] in given
    return given == cond["equals"]


def _clean_one(q: Question, value: Any) -> Any:
    """Return the cleaned answer, or raise ValueError with a message for the person."""
    cfg = q.config
    keys = [item["key"] for item in cfg.get("options") or cfg.get("rows") or []]
    if q.type == "likert":
        return _scale_value(value, cfg.get("no_opinion", False))
    if q.type == "matrix":
        if not isinstance(value, dict):
            raise ValueError(_("Rate each item."))
        unknown = set(value) - set(keys)
        if unknown:
            raise ValueError(_("Unknown item: %(items)s.", items=", ".join(sorted(unknown))[:80]))
        cleaned = {k: _scale_value(v, cfg.get("no_opinion", False)) for k, v in value.items()}
        if q.required and len(cleaned) < len(keys):
            raise ValueError(
                _("Rate every item (%(n)d of %(total)d done).", n=len(cleaned), total=len(keys))
            )
        return {k: cleaned[k] for k in keys if k in cleaned}
    if q.type == "single":
        if value not in keys:
            raise ValueError(_("Choose one of the options."))
        return value
    if q.type == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Choose from the options."))
        if set(value) - set(keys):
            raise ValueError(_("Choose from the options."))
        if len(set(value)) != len(value):
            raise ValueError(_("Each option can be chosen once."))
        low, high = cfg.get("min_select"), cfg.get("max_select")
        if low is not None and len(value) < low:
            raise ValueError(_("Choose at least %(n)d.", n=low))
        if high is not None and len(value) > high:
            raise ValueError(_("Choose at most %(n)d.", n=high))
        return [k for k in keys if k in value]
    if q.type == "ranking":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Put the items in order."))
        if set(value) - set(keys):
            raise ValueError(_("Rank only the listed items."))
        if len(set(value)) != len(value):
            raise ValueError(_("Each item can have only one place in the order."))
        wanted = min(cfg.get("top_n") or len(keys), len(keys))
        if len(value) != wanted:
            if wanted == len(keys):
                raise ValueError(_("Rank all %(n)d items.", n=wanted))
            raise ValueError(_("Rank exactly %(n)d items.", n=wanted))
        return value
    if q.type == "text":
        if not isinstance(value, str):
            raise ValueError(_("Write your answer as text."))
        if "\x00" in value or "\ufffd" in value:
            raise ValueError(_("The answer contains characters that cannot be stored."))
        value = value.replace("\r\n", "\n").strip()
        limit = cfg.get("max_length") or 2000
        if len(value) > limit:
            raise ValueError(
                _("Use at most %(max)d characters (now %(n)d).", max=limit, n=len(value))
            )
        return value
    if q.type == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(_("Enter a number."))
        if cfg.get("integer") and not float(value).is_integer():
            raise ValueError(_("Enter a whole number."))
        if cfg.get("min") is not None and value < cfg["min"]:
            raise ValueError(_("Enter %(min)s or more.", min=_fmt(cfg["min"])))
        if cfg.get("max") is not None and value > cfg["max"]:
            raise ValueError(_("Enter %(max)s or less.", max=_fmt(cfg["max"])))
        return int(value) if cfg.get("integer") else value
    raise ValueError(_("Unknown question type."))


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def validate_answers(questions: Sequence[Question], raw: Any) -> dict[str, Any]:
    """Check every answer; raise one ValidationError naming each field that is wrong."""
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
            result = _clean_one(q, value)
        except ValueError as exc:
            errors[q.key] = str(exc)
            continue
        if q.type == "text" and result == "":
            if q.required:
                errors[q.key] = _("This question needs an answer.")
            continue
        cleaned[q.key] = result
    if errors:
        raise ValidationError(_("Some answers need your attention."), errors)
    return cleaned


def answer_rows(question: Question, value: Any) -> list[dict[str, Any]]:
    """The atomic rows one cleaned answer is stored as (see consult.surveys.models.Answer)."""
    t = question.type

    def scale(item_key: str | None, v: int | str) -> dict[str, Any]:
        if v == NO_OPINION:
            return {"item_key": item_key, "value_text": NO_OPINION}
        return {"item_key": item_key, "value_int": v}

    if t == "likert":
        return [scale(None, value)]
    if t == "matrix":
        return [scale(k, v) for k, v in value.items()]
    if t == "single":
        return [{"item_key": value}]
    if t == "multiple":
        return [{"item_key": k} for k in value]
    if t == "ranking":
        return [{"item_key": k, "value_int": rank} for rank, k in enumerate(value, start=1)]
    if t == "text":
        return [{"value_text": value}]
    if t == "number":
        return [{"value_num": float(value)}]
    return []
