"""Reading API requests: a JSON object with known fields, integer query arguments."""

from __future__ import annotations

import math
from typing import Any

from flask import current_app, request

from consult.core.params import DB_INT_MAX, choice_arg, int_arg
from consult.errors import DomainError, ValidationError

__all__ = ["BadRequest", "id_field", "int_arg", "json_body", "language"]


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


# Numbers a JSON client can rely on (IEEE doubles hold integers exactly up to 2**53).
_SAFE_INT = 2**53


def json_body(allowed: set[str]) -> dict[str, Any]:
    """The request's JSON object; unknown fields are refused so typos do not pass silently.

    Values that no column can hold are refused here, once for every endpoint (F5): text
    with lone surrogates (`"\ud800"` is valid JSON but not UTF-8), non-finite numbers and
    integers past 2**53.
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("Send a JSON object with Content-Type: application/json.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(
            "Unknown field(s): " + ", ".join(unknown[:10]),
            dict.fromkeys(unknown[:10], "Unknown field."),
        )
    for name, value in data.items():
        problem = _unstorable(value)
        if problem:
            raise ValidationError(f"{name}: {problem}", {name: problem})
    return data


def _unstorable(value: Any, depth: int = 0) -> str | None:
    if depth > 20:
        return "Nested too deeply."
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "Contains characters that are not valid Unicode text (lone surrogates)."
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if -_SAFE_INT <= value <= _SAFE_INT else "Number out of range."
    if isinstance(value, float):
        return None if math.isfinite(value) and abs(value) <= _SAFE_INT else "Number out of range."
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, str) and _unstorable(key, depth + 1):
            return _unstorable(key, depth + 1)
        problem = _unstorable(item, depth + 1)
        if problem:
            return problem
    return None


def id_field(data: dict[str, Any], name: str) -> int | None:
    """An optional id in a JSON body: a positive integer within the database's range."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{name} must be an integer.", {name: "Not an integer."})
    if not 1 <= value <= DB_INT_MAX:
        raise ValidationError(f"{name} names nothing: out of range.", {name: "Out of range."})
    return value


def language() -> str:
    """Texts come in English unless `?lang=` names another language we have (else 422)."""
    return choice_arg("lang", current_app.config["LANGUAGES"], "en")
