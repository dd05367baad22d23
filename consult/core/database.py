"""Engine settings per database: SQLite in WAL mode with a busy timeout, PostgreSQL's pool.

SQLite's default rollback journal makes a reader wait for a writer and a writer for every
reader; in WAL mode readers never block the one writer, and the busy timeout makes a
second writer wait its turn instead of failing with "database is locked" (B4 in
docs/performance.md). PostgreSQL gets a bounded pool per process, so N workers open at
most N x (size + overflow) connections, a checkout that cannot be served fails after a
timeout instead of hanging, and a connection the server dropped is replaced (pre-ping).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event


def engine_options(app: Flask) -> dict[str, Any]:
    """SQLALCHEMY_ENGINE_OPTIONS for the configured database URL."""
    config = app.config
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if uri.startswith("postgresql"):
        options.setdefault("pool_size", int(config["DB_POOL_SIZE"]))
        options.setdefault("max_overflow", int(config["DB_MAX_OVERFLOW"]))
        options.setdefault("pool_timeout", float(config["DB_POOL_TIMEOUT"]))
        options.setdefault("pool_recycle", int(config["DB_POOL_RECYCLE"]))
    elif uri.startswith("sqlite"):
        connect_args = dict(options.get("connect_args") or {})
        # pysqlite's `timeout` is SQLite's busy timeout, in seconds.
        connect_args.setdefault("timeout", float(config["SQLITE_BUSY_TIMEOUT"]))
        options["connect_args"] = connect_args
    return options


def init_app(app: Flask) -> None:
    """Put every new SQLite connection in WAL mode (when configured); call after db.init_app."""
    if not app.config.get("SQLITE_WAL"):
        return
    from consult.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _wal):
            event.listen(engine, "connect", _wal)


def _wal(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # a no-op for an in-memory database
        cursor.close()
