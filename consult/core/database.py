"""Engine settings per database: SQLite in WAL mode with a busy timeout, PostgreSQL's pool.

SQLite's default rollback journal makes a reader wait for a writer and a writer for every
reader; in WAL mode readers never block the one writer, and the busy timeout makes a
second writer wait its turn instead of failing with "database is locked" (B4 in
docs/performance.md). PostgreSQL gets a bounded pool per process, so N workers open at
most N x (size + overflow) connections, a checkout that cannot be served fails after a
timeout instead of hanging, and a connection the server dropped is replaced: checked
with a ping when it comes out of the pool after lying idle (`DB_PING_AFTER` seconds), not
on every checkout, because a ping is a round trip and a busy worker takes a connection
out of the pool once a request (B1 in docs/performance.md).

A read replica (`DATABASE_REPLICA_URL`) gets its own engine, read-only at the connection,
and `replica_session()` points `db.session` at it for the length of a block: the report
and export reads run there, everything else (and every write) stays on the primary.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import ColumnElement, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

REPLICA = "consult.replica_engine"


def engine_options(app: Flask, uri: str | None = None) -> dict[str, Any]:
    """SQLALCHEMY_ENGINE_OPTIONS for the configured database URL (or `uri`, the replica's)."""
    config = app.config
    # The replica starts from our defaults only: the primary's options may be another
    # dialect's (a SQLite busy timeout means nothing to psycopg).
    options = dict((config.get("SQLALCHEMY_ENGINE_OPTIONS") if uri is None else None) or {})
    uri = str(uri or config.get("SQLALCHEMY_DATABASE_URI") or "")
    if uri.startswith("postgresql"):
        # Every checkout with DB_PING_AFTER = 0; else only after an idle spell (init_app).
        options.setdefault("pool_pre_ping", float(config.get("DB_PING_AFTER") or 0) <= 0)
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
    """Put every new SQLite connection in WAL mode (when configured), ping PostgreSQL
    connections that lay idle, and create the replica's engine (when configured); call
    after db.init_app."""
    from consult.extensions import db

    ping_after = float(app.config.get("DB_PING_AFTER") or 0)
    replica_url = app.config.get("DATABASE_REPLICA_URL")
    if replica_url:
        # Created here, connected on first use: building the app opens no connection.
        replica = sa.create_engine(replica_url, **engine_options(app, replica_url))
        event.listen(replica, "connect", _read_only)
        _ping_when_idle(replica, ping_after)
        app.extensions[REPLICA] = replica
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            _ping_when_idle(engine, ping_after)
        if (
            app.config.get("SQLITE_WAL")
            and engine.dialect.name == "sqlite"
            and not event.contains(engine, "connect", _wal)
        ):
            event.listen(engine, "connect", _wal)


_CHECKED_IN = "consult.checked_in"
_clock = time.monotonic  # a test moves it on to age a connection


def _ping_when_idle(engine: sa.Engine, idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only when it lay unused for `idle_seconds`.

    SQLAlchemy's `pool_pre_ping` pings on every checkout, one round trip per request. A
    connection handed back a moment ago was alive a moment ago; one that lay idle may
    have been dropped (a server restart, a firewall's idle timeout), and that is the one
    worth a ping. A dead one raises `DisconnectionError`, which makes the pool throw it
    away and connect afresh (SQLAlchemy's "custom pessimistic ping" recipe). What is left
    is a drop within the idle window: the statement fails, SQLAlchemy sees a disconnect
    and invalidates the whole pool, so a restart costs at most that one request.
    """
    if idle_seconds <= 0 or engine.dialect.name == "sqlite":
        return  # pool_pre_ping (engine_options) or nothing to drop: a file
    pool = engine.pool

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_CHECKED_IN] = _clock()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_CHECKED_IN)
        if last is None or _clock() - last < idle_seconds:
            return  # new, or in use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError(str(error)) from error
        if not alive:  # pragma: no cover - psycopg raises instead
            raise sa.exc.DisconnectionError("the connection did not answer a ping")

    if not event.contains(pool, "checkin", checkin):
        event.listen(pool, "checkin", checkin)
        event.listen(pool, "checkout", checkout)


def any_of(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN (:name)` for a list of ids bound at execution.

    On PostgreSQL one array parameter (`column = ANY(:name)`), so the statement's text is
    the same for any number of ids: psycopg keeps its parsed form (it does not for more
    than 50 parameters) and the server its prepared plan. Elsewhere an expanding IN.
    """
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))


def dispose_engines(app: Flask) -> None:
    """Drop the connections this process inherited, without closing them for the parent.

    For gunicorn's `post_fork` with `preload_app`: a pooled connection opened before the
    fork is one socket shared by two processes, and two processes talking over one socket
    corrupt each other's results. `close=False` leaves the parent's connections alone and
    gives the child an empty pool (SQLAlchemy's "Using Connection Pools with Multiprocessing").
    """
    from consult.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    replica = app.extensions.get(REPLICA)
    if replica is not None:
        replica.dispose(close=False)


@contextmanager
def replica_session() -> Iterator[Session]:
    """Run the block's reads on the read replica when one is configured, else the primary.

    Inside the block `db.session` (and so every `queries` function, whichever domain it
    belongs to) is a plain Session bound to the replica's engine; on the way out the
    request's own session is put back, so the edge's commit after the block lands on the
    primary. Objects loaded inside are detached after it: return numbers, dicts and files
    from the block, not models to lazy-load from. Writes are refused twice, by this session
    (nothing may be flushed) and by the connection (read-only), so a write that slipped into
    a read path fails loudly instead of landing on a server that is not the primary.
    """
    from consult.extensions import db

    engine = current_app.extensions.get(REPLICA)
    if engine is None:
        yield db.session()
        return
    registry = db.session.registry
    outer = registry() if registry.has() else None
    replica = Session(bind=engine, autoflush=False)
    event.listen(replica, "before_flush", _refuse_writes)
    registry.set(replica)
    try:
        yield replica
    finally:
        replica.close()
        if outer is None:
            registry.clear()
        else:
            registry.set(outer)


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("A write inside replica_session(): writes go to the primary only.")


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    """Make every replica connection read-only, whatever the server would allow."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()
        return
    # PostgreSQL: a session setting, outside any transaction (psycopg would open one).
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.autocommit = autocommit


def _wal(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # a no-op for an in-memory database
        cursor.close()
