"""`consult backup` / `consult restore`: a round trip brings the data back as it was, on
SQLite (the online backup API) always and on PostgreSQL (pg_dump/pg_restore) when the test
database is PostgreSQL; a restore checks the file and refuses without --yes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, update

from consult import ROOT, create_app
from consult.comments.models import Comment
from consult.core import backup
from consult.core.audit import AuditEntry
from consult.extensions import db
from tests.conftest import NSP_FILE
from tests.factories import make_comment, make_user


def _load_nsp() -> None:
    from consult.policy.loader import read_policy_file
    from consult.policy.services import load_policy

    load_policy(read_policy_file(NSP_FILE))
    db.session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_app(request, make_app, tmp_path) -> Iterator[Flask]:
    """An app on a migrated database of the parameter's kind, with the NSP loaded."""
    test_app = make_app()
    with test_app.app_context():
        dialect = db.engine.dialect.name
    if request.param == dialect:
        app = test_app  # the suite's own database, emptied afterwards by make_app
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'own.db'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
    else:
        pytest.skip(
            "the test database is SQLite: set DATABASE_URL=postgresql+psycopg://… to run"
            " the pg_dump/pg_restore round trip"
        )
    with app.app_context():
        _load_nsp()
        yield app
        db.session.remove()
        if app is not test_app:
            db.engine.dispose()


def _bodies() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Comment.body).order_by(Comment.id)))


def test_round_trip_brings_the_data_back(backend_app, tmp_path):
    runner = backend_app.test_cli_runner()
    author = make_user()
    first = make_comment(author, body="Written before the backup")
    db.session.commit()
    first_id = first.id
    path = tmp_path / "consult.backup"

    made = runner.invoke(args=["consult", "backup", str(path)])
    assert made.exit_code == 0, made.output
    assert f"to {path} (" in made.output and "sha256 " in made.output
    assert path.stat().st_size > 0

    db.session.execute(update(Comment).where(Comment.id == first_id).values(body="Vandalised"))
    make_comment(author, body="Written after the backup")
    db.session.commit()
    assert _bodies() == ["Vandalised", "Written after the backup"]

    refused = runner.invoke(args=["consult", "restore", str(path)])
    assert refused.exit_code == 1
    assert "--yes" in refused.output
    assert _bodies() == ["Vandalised", "Written after the backup"]  # nothing touched

    restored = runner.invoke(args=["consult", "restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _bodies() == ["Written before the backup"]
    if db.engine.dialect.name == "postgresql":  # vacuumed: statistics and visibility map
        visible = "SELECT relallvisible FROM pg_class WHERE relname = 'comments'"
        assert db.session.execute(sa.text(visible)).scalar() > 0
    head = backup.head_revision()
    assert f"Schema revision {head}: current." in restored.output
    assert "Audit log intact:" in restored.output
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last.action == "database.restore"
    assert json.loads(last.data)["file"] == "consult.backup"
    # The restore's own entry chains onto the restored log.
    assert runner.invoke(args=["consult", "verify-audit"]).exit_code == 0


def test_backup_does_not_replace_a_file_without_yes(backend_app, tmp_path):
    runner = backend_app.test_cli_runner()
    path = tmp_path / "kept.backup"
    path.write_bytes(b"an earlier backup")
    refused = runner.invoke(args=["consult", "backup", str(path)])
    assert refused.exit_code == 1 and "exists" in refused.output
    assert path.read_bytes() == b"an earlier backup"
    replaced = runner.invoke(args=["consult", "backup", str(path), "--yes"])
    assert replaced.exit_code == 0, replaced.output
    assert path.read_bytes() != b"an earlier backup"


@pytest.mark.parametrize(
    "content", [b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200, b"PGDMP junk"]
)
def test_restore_refuses_a_file_that_is_not_a_backup(backend_app, tmp_path, content):
    runner = backend_app.test_cli_runner()
    make_comment(body="Still here")
    db.session.commit()
    path = tmp_path / "odd.backup"
    path.write_bytes(content)
    result = runner.invoke(args=["consult", "restore", str(path), "--yes"])
    assert result.exit_code == 1
    assert "Restored" not in result.output
    assert _bodies() == ["Still here"]


def test_restore_refuses_a_missing_file(backend_app, tmp_path):
    result = backend_app.test_cli_runner().invoke(
        args=["consult", "restore", str(tmp_path / "none.backup"), "--yes"]
    )
    assert result.exit_code == 1 and "does not exist" in result.output


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context(), pytest.raises(backup.BackupError, match="in-memory"):
        backup.backup(Path(tmp_path / "x.backup"))


def test_restore_refuses_a_postgresql_database_newer_than_the_backup(backend_app, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only pg_restore --clean leaves tables behind; SQLite's replaces the file")
    runner = backend_app.test_cli_runner()
    path = tmp_path / "older.backup"
    assert runner.invoke(args=["consult", "backup", str(path)]).exit_code == 0
    db.session.execute(sa.text("CREATE TABLE newer_feature (x integer)"))
    db.session.commit()
    try:
        result = runner.invoke(args=["consult", "restore", str(path), "--yes"])
        assert result.exit_code == 1
        assert "newer_feature" in result.output and "empty database" in result.output
    finally:
        db.session.rollback()
        db.session.execute(sa.text("DROP TABLE newer_feature"))
        db.session.commit()
