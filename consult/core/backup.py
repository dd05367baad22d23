"""`consult backup` and `consult restore`: the whole database to one file and back.

SQLite is copied with its online backup API (`sqlite3.Connection.backup`): a consistent
copy page by page while the site keeps serving, WAL included, where copying the file could
catch a write half done. PostgreSQL goes through its own tools, `pg_dump -Fc` (one
compressed archive) and `pg_restore --clean --if-exists --single-transaction` (all of it
or nothing), so a backup is an ordinary dump any PostgreSQL operator can read.

A restore replaces the record of a consultation, so it checks the file before touching the
database, refuses to run without being told twice (`--yes`), and says afterwards which
schema revision the database is at, whether the audit chain verifies, and appends an audit
entry naming the file it came from.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import URL, make_url

from consult.core import audit
from consult.extensions import cache, db

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    revision: str | None


@dataclass(frozen=True)
class RestoreResult:
    revision: str | None
    head: str | None
    audit: audit.ChainReport


def database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def describe(url: URL) -> str:
    """The database as an operator recognises it, never with its password."""
    return url.render_as_string(hide_password=True)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("An in-memory SQLite database has nothing on disk to back up.")
    return Path(url.database)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _release_connections() -> None:
    """Give back this process's connections, so none holds a lock the restore waits for."""
    db.session.remove()
    db.engine.dispose()


# --- PostgreSQL tools ------------------------------------------------------------------


def _pg_env(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (it would show in `ps`) and the environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client tools of the server's"
            " major version (Debian: postgresql-client)."
        )
    return found


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    if not match:
        raise BackupError(f"Cannot read a PostgreSQL version from {version!r}.")
    return int(match.group(1))


def check_pg_tool(name: str) -> str:
    """The tool's path; refused when it is older than the server (it could not read it)."""
    tool = _tool(name)
    # The tools are found on PATH by name and given our own arguments, never user input.
    out = subprocess.run(  # noqa: S603
        [tool, "--version"], capture_output=True, text=True, check=True
    )
    client = _major(out.stdout)
    server = _major(str(db.session.execute(sa.text("SHOW server_version")).scalar()))
    if client < server:
        raise BackupError(
            f"{name} is version {client} but the server is PostgreSQL {server}: install the"
            f" client tools of version {server} or later."
        )
    return tool


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


# --- backup ----------------------------------------------------------------------------


def backup(target: Path, *, overwrite: bool = False) -> BackupResult:
    """Write a consistent copy of the whole database to `target` (replaced atomically)."""
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another name or pass --yes to replace it.")
    url = database_url()
    revision = current_revision()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed, so a failed backup never leaves half a file
    # under the name a restore would trust.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_path(url), tmp)
            _check_sqlite_file(tmp)
        elif url.get_backend_name() == "postgresql":
            tool = check_pg_tool("pg_dump")
            conninfo, env = _pg_env(url)
            args = [tool, "--format=custom", "--no-owner", "--file", str(tmp), conninfo]
            _run(args, env, "pg_dump")
            _check_pg_file(tmp, env)
        else:
            raise BackupError(f"No backup method for {url.get_backend_name()} databases.")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, _digest(target), revision)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


# --- checks ----------------------------------------------------------------------------


def _check_sqlite_file(path: Path) -> str | None:
    """Refuse a file that is not a sound SQLite database of ours; return its revision."""
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database.")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is damaged: {exc}.") from exc
        if not result or result[0] != "ok":
            raise BackupError(f"{path} is damaged: {result[0] if result else 'no answer'}.")
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a Consult database (no alembic_version).") from exc
    finally:
        conn.close()
    return row[0] if row else None


def _check_pg_file(path: Path, env: dict[str, str]) -> list[str]:
    """Refuse a file pg_restore cannot read; return the archive's table names."""
    with path.open("rb") as handle:
        if handle.read(len(PGDUMP_MAGIC)) != PGDUMP_MAGIC:
            raise BackupError(f"{path} is not a pg_dump custom-format archive (pg_dump -Fc).")
    listing = _run([_tool("pg_restore"), "--list", str(path)], env, "pg_restore --list")
    # Table of contents lines: "215; 1259 16390 TABLE public comments postgres".
    tables = re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+)", listing, flags=re.MULTILINE)
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Consult database (no alembic_version).")
    return tables


def check_backup(path: Path) -> None:
    """Refuse a missing file, or one that is not a backup of this kind of database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    url = database_url()
    if url.get_backend_name() == "sqlite":
        _check_sqlite_file(path)
    elif url.get_backend_name() == "postgresql":
        _check_pg_file(path, _pg_env(url)[1])
    else:
        raise BackupError(f"No restore method for {url.get_backend_name()} databases.")


# --- restore ---------------------------------------------------------------------------


def restore(source: Path) -> RestoreResult:
    """Replace the whole database with the backup in `source` (checked first), then append
    an audit entry naming it to the restored chain."""
    check_backup(source)
    url = database_url()
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        _release_connections()
        _sqlite_copy(source, target)
    else:
        tool = check_pg_tool("pg_restore")
        conninfo, env = _pg_env(url)
        tables = set(_check_pg_file(source, env))
        extra = sorted(set(sa.inspect(db.engine).get_table_names()) - tables)
        if extra:
            # --clean drops only what the archive holds; these would survive the restore
            # and clash with the migrations that create them.
            raise BackupError(
                "The database has tables the backup does not ("
                + ", ".join(extra)
                + "): it is newer than the backup. Restore into an empty database"
                " (createdb, then DATABASE_URL) and point the app at it."
            )
        _release_connections()
        # A lock held by a running app server fails the restore instead of hanging it.
        env["PGOPTIONS"] = "-c lock_timeout=30s"
        _run(
            [
                tool,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                conninfo,
                str(source),
            ],
            env,
            "pg_restore",
        )
        # pg_restore leaves no planner statistics and no visibility map: without them the
        # first hours plan tables as empty and deep thread pages sort the whole section
        # (docs/performance.md). VACUUM cannot run inside a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    # Cached pages are keyed by section versions, which the restore has turned back: a
    # shared cache would serve pages of a timeline that no longer exists.
    cache.clear()
    revision = current_revision()
    report = audit.verify_chain()
    audit.record(  # flushed; the command's transaction commits it
        "database.restore",
        data={"file": source.name, "sha256": _digest(source), "revision": revision},
    )
    return RestoreResult(revision=revision, head=head_revision(), audit=report)


def current_revision() -> str | None:
    """The Alembic revision the database says it is at (None before any migration)."""
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


def head_revision() -> str | None:
    """The newest migration this code ships."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()
