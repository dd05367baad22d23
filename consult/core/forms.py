"""Turn a DomainError into form errors, so the person sees what to fix and keeps their input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from consult.core.vocab import choices
from consult.errors import DomainError
from consult.extensions import db

T = TypeVar("T")


def apply_domain_error(form: FlaskForm, exc: DomainError) -> None:
    placed = False
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), message]
            placed = True
    if not placed or not exc.fields or exc.message not in form.form_errors:
        form.form_errors.append(exc.message)


def select_choices(kind: str) -> list[SelectChoice]:
    """Options for a vocabulary select, in vocabulary order, with translatable labels."""
    return [SelectChoice(code, label) for code, label in choices(kind)]


def commit_or_error(form: FlaskForm, action: Callable[[], T]) -> tuple[T | None, int]:
    """Run one service call as one transaction, for a view handling a posted form.

    Returns (result, 0) after committing; on a DomainError rolls back, puts the error on the
    form (so the page shows it beside what was typed) and returns (None, the error's status).
    """
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        apply_domain_error(form, exc)
        return None, exc.status
    return result, 0


def error_status(form: FlaskForm, status: int = 0) -> int:
    """The status of a page shown again: the service's error, 422 for form errors, else 200."""
    if status:
        return status
    return 422 if form.errors or form.form_errors else 200
