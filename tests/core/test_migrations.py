"""Migrations bring an empty database to head, and the models agree with them."""

from __future__ import annotations

import os
import re
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from consult import ROOT, create_app
from consult.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database of the same kind as the suite's (SQLite file or PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"consult_migtest_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_empty_database_to_head_matches_models(empty_database_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == [], f"models and migrations disagree: {diff}"
        assert {"users", "participants", "policies", "objectives", "audit_entries"} <= tables
        # And back down again, so every migration is reversible.
        downgrade(directory=str(ROOT / "migrations"), revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _balanced(text: str, start: int) -> str:
    """The text inside the parenthesis that opens at `start`."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i]
    raise ValueError("unbalanced parentheses")


def _database_checks(engine: sa.Engine) -> dict[str, str]:
    """Every CHECK constraint of the migrated database, by name, as the database stores it."""
    checks: dict[str, str] = {}
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                sa.text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
                )
            )
            return {str(row[0]): str(row[1]) for row in rows}
        for (sql,) in conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
        ):
            for match in re.finditer(r"CONSTRAINT (\w+) CHECK \(", sql):
                checks[match.group(1)] = _balanced(sql, match.end() - 1)
    return checks


def _model_checks() -> dict[str, str]:
    checks = {}
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint):
                checks[str(constraint.name)] = str(constraint.sqltext)
    return checks


def _check_drift(in_database: dict[str, str], in_models: dict[str, str]) -> list[str]:
    """Names of CHECKs missing on one side, or whose quoted codes differ."""
    drift = sorted(set(in_database) ^ set(in_models))
    for name in set(in_database) & set(in_models):
        expected = set(re.findall(r"'([^']*)'", in_models[name]))
        if set(re.findall(r"'([^']*)'", in_database[name])) != expected:
            drift.append(name)
    return drift


def test_every_check_constraint_in_the_database_matches_the_vocabulary(app):
    """Editing a tuple in core/vocab.py without a migration must fail here, on both backends.

    Alembic's comparison does not see a changed CHECK, so this compares the quoted codes of
    every CHECK in the migrated database with the models' (which are built from the vocab).
    """
    assert _check_drift(_database_checks(db.engine), _model_checks()) == []


def test_the_check_comparison_sees_a_vocabulary_change(app):
    """The comparison can fail: a province added to the vocabulary only in code is caught."""
    models = _model_checks()
    models["ck_participants_province"] = models["ck_participants_province"].replace(
        "'overseas'", "'overseas', 'moon'"
    )
    del models["ck_users_role"]
    assert _check_drift(_database_checks(db.engine), models) == [
        "ck_users_role",
        "ck_participants_province",
    ]
