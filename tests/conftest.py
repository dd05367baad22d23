"""Fixtures: one migrated database per run (SQLite file, or DATABASE_URL for PostgreSQL),
emptied after every test; `app`, `client`, `runner`, `nsp`, `login_as`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from consult import ROOT, create_app
from consult.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

NSP_FILE = ROOT / "policy_data" / "nsp-2022-2026.toml"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return (
            url.replace("postgresql://", "postgresql+psycopg://", 1)
            if url.startswith("postgresql://")
            else url
        )
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_schema(engine: sa.Engine) -> None:
    """Start from an empty database, whatever an earlier run left behind."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        meta = sa.MetaData()
        meta.reflect(engine)
        meta.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate an empty database to head once per run: the migrations are what tests use."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        reset_schema(db.engine)
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(sa.text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database with config overrides; tables emptied afterwards."""
    apps: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            db.session.rollback()
            _empty_tables()
            db.engine.dispose()
    # Every further app has its own engine: close its connections now, or they are closed
    # by the garbage collector during some later test (a ResourceWarning fails that test).
    for other in apps[1:]:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


class FreshContextClient(FlaskClient):
    """Run every request in its own app context, as in production.

    Flask reuses an app context that is already pushed (the `app` fixture pushes one), so
    `g` (Flask-Login's user, Flask-Babel's locale) and the database session would leak from
    one request to the next inside a test.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def nsp(app: Flask):
    """The NSP loaded from its real data file."""
    from consult.policy.loader import read_policy_file
    from consult.policy.services import load_policy

    result = load_policy(read_policy_file(NSP_FILE))
    db.session.commit()
    return result.policy


@pytest.fixture
def login_as(app: Flask, client: FlaskClient) -> Callable[..., object]:
    """Create a user with `role` and log the test client in through the real login form."""

    def login(role: str = "citizen", **kwargs: object):
        user = make_user(role=role, **kwargs)
        db.session.commit()
        response = client.post(
            "/auth/login", data={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302, response.data
        return user

    return login


@pytest.fixture
def nsp_file() -> Path:
    return NSP_FILE
