"""Language choice (cookie, then Accept-Language), direction, and translated data text."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, has_request_context, redirect, request
from flask_babel import get_locale

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # CLI and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(list(languages))
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def text_direction(language: str | None = None) -> str:
    language = language or current_language()
    return "rtl" if language in current_app.config["RTL_LANGUAGES"] else "ltr"


def localized(value: Mapping[str, str] | str | None, language: str | None = None) -> str:
    """Pick the text for the reader's language, falling back to English.

    Policy text is data: an Urdu version can be added to the file later and shows up
    here without code changes.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    language = language or current_language()
    return value.get(language) or value.get("en") or next(iter(value.values()), "")


def is_local_url(target: str | None) -> bool:
    """Accept only same-site paths, so `next=` cannot send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.get("/language/<code>")
def set_language(code: str):
    """Remember the reader's language in a cookie and go back where they were."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)  # F10: an unknown language is an error, not a silent no-op
    target = request.args.get("next")
    response = redirect(target if is_local_url(target) else "/")
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"],
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def paragraphs(text: str) -> list[str]:
    """Split stored text on blank lines; templates wrap each part in <p>."""
    return [p for p in (text or "").split("\n\n") if p.strip()]


def init_app(app: Flask) -> None:
    from flask_babel import format_date, format_datetime, format_decimal

    from consult.core import sanitize
    from consult.core.vocab import label

    app.register_blueprint(bp)
    app.jinja_env.filters["tr"] = localized
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["sanitized"] = sanitize.safe
    app.jinja_env.globals.update(
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        vocab_label=label,
    )

    @app.context_processor
    def language_context():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": app.config["LANGUAGES"],
        }
