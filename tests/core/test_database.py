"""Engine settings: SQLite in WAL mode with a busy timeout; a bounded PostgreSQL pool."""

from __future__ import annotations

import sqlalchemy as sa

from consult import create_app
from consult.core.database import engine_options
from consult.extensions import db


def test_sqlite_connections_use_wal_and_wait_for_a_busy_writer(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.db'}"})
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        finally:
            db.engine.dispose()


def test_wal_can_be_switched_off(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "SQLITE_WAL": False})
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        finally:
            db.engine.dispose()


def test_postgresql_gets_a_bounded_pool_with_pre_ping():
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.config.update(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@db.invalid/x", DB_POOL_SIZE=3)
    options = engine_options(app)
    assert options["pool_size"] == 3 and options["max_overflow"] == 5
    assert options["pool_timeout"] == 10 and options["pool_pre_ping"] is True
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], **options)
    assert engine.pool.size() == 3 and engine.pool._pre_ping
    engine.dispose()
