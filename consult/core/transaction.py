"""The one transaction edge: every write of a view, API view or CLI command commits here.

Services flush and raise `DomainError`; they never commit. The edge that called them wraps
the call in `transaction()` (or `write` for API views, `form_transaction` for form posts,
`cli_transaction` for commands), so a request is one transaction: all of it lands, or on
any error none of it does, and the error reaches the edge's own translation (form errors
that keep what was typed, the JSON error shape, a CLI message and exit code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click
from flask_wtf import FlaskForm

from consult.core.forms import apply_domain_error
from consult.errors import DomainError
from consult.extensions import db

T = TypeVar("T")
P = ParamSpec("P")


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block wrote; on any exception roll it all back and re-raise."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def write(view: Callable[P, T]) -> Callable[P, T]:
    """Run an API view as one transaction; a `DomainError` becomes the JSON error."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
        with transaction():
            return view(*args, **kwargs)

    return wrapped


def form_transaction(form: FlaskForm, action: Callable[[], T]) -> tuple[T | None, int]:
    """Run one service call for a posted form as one transaction.

    Returns (result, 0) after committing; on a `DomainError` rolls back, puts the error on
    the form (so the page shows it beside what was typed) and returns (None, its status).
    """
    try:
        with transaction():
            result = action()
    except DomainError as exc:
        apply_domain_error(form, exc)
        return None, exc.status
    return result, 0


def flash_transaction(action: Callable[[], Any]) -> str | None:
    """Run an action posted by a button (no fields): None on success, else the message."""
    try:
        with transaction():
            action()
    except DomainError as exc:
        return exc.message
    return None


@contextmanager
def cli_transaction() -> Iterator[None]:
    """One transaction for a command; a `DomainError` becomes its message and exit code 1."""
    try:
        with transaction():
            yield
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
