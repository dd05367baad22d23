"""Reading API requests: a JSON object with known fields, integer query arguments."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from consult.errors import DomainError, ValidationError


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def json_body(allowed: set[str]) -> dict[str, Any]:
    """The request's JSON object; unknown fields are refused so typos do not pass silently."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("Send a JSON object with Content-Type: application/json.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(
            "Unknown field(s): " + ", ".join(unknown[:10]),
            dict.fromkeys(unknown[:10], "Unknown field."),
        )
    return data


def int_arg(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"{name} must be a whole number.", {name: "Not a number."}) from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"from {minimum}" + (f" to {maximum}" if maximum is not None else "")
        raise ValidationError(f"{name} must be {bound}.", {name: "Out of range."})
    return value


def language() -> str:
    """Texts come in English unless `?lang=` names another language we have."""
    lang = request.args.get("lang", "en")
    return lang if lang in current_app.config["LANGUAGES"] else "en"
