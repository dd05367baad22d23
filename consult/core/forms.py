"""Turn a DomainError into form errors, so the person sees what to fix and keeps their input."""

from __future__ import annotations

from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from consult.core.vocab import choices
from consult.errors import DomainError

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


def error_status(form: FlaskForm, status: int = 0) -> int:
    """The status of a page shown again: the service's error, 422 for form errors, else 200."""
    if status:
        return status
    return 422 if form.errors or form.form_errors else 200
