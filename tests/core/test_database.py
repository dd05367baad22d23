"""Engine settings: SQLite in WAL mode with a busy timeout; a bounded PostgreSQL pool."""

from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from consult import create_app
from consult.core import database
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


def test_postgresql_gets_a_bounded_pool_pinged_after_idling():
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.config.update(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@db.invalid/x", DB_POOL_SIZE=3)
    options = engine_options(app)
    assert options["pool_size"] == 3 and options["max_overflow"] == 5
    # Pinged by init_app's checkout hook after DB_PING_AFTER idle seconds, not every time.
    assert options["pool_timeout"] == 10 and options["pool_pre_ping"] is False
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], **options)
    assert engine.pool.size() == 3 and not engine.pool._pre_ping
    engine.dispose()
    app.config["DB_PING_AFTER"] = 0  # SQLAlchemy's ping at every checkout instead
    assert engine_options(app)["pool_pre_ping"] is True


def test_sqlite_is_never_pinged(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert not engine_options(app).get("pool_pre_ping")


_PG = os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(not _PG.startswith("postgresql"), reason="needs the PostgreSQL server")
def test_an_idle_postgresql_connection_is_pinged_and_a_dead_one_replaced(monkeypatch):
    url = _PG.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, pool_size=1, max_overflow=0, pool_pre_ping=False)
    database._ping_when_idle(engine, 10)
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(1) or real_ping(c))
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with engine.connect() as conn:  # back in the pool a moment ago: no ping
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() == pid
        assert pings == []
        admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with admin.begin() as conn:  # the server drops the pooled connection...
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        admin.dispose()
        now = time.monotonic()
        monkeypatch.setattr(database, "_clock", lambda: now + 11)  # ...while it lies idle
        with engine.connect() as conn:  # pinged, found dead, replaced: no error
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
        assert pings == [1]
    finally:
        engine.dispose()
