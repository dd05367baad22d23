"""Shared test helpers: count rows, count queries, make a Bearer header."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from consult.extensions import db


def count_rows(model: type) -> int:
    """Rows of a model's table, as the database has them now."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Record every SQL statement sent inside the block (query-count guards)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def bearer_for(user) -> dict[str, str]:
    """An Authorization header with a new personal API token of `user` (committed)."""
    from consult.accounts import services as accounts

    token = accounts.create_api_token(user, "test").plaintext
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def assert_redirect(response, location: str) -> None:
    """A redirect to `location`: 302 today, 303 from Flask 3.2 on, both accepted."""
    assert response.status_code in (302, 303), response.status_code
    assert response.headers["Location"] == location
