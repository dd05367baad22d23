"""Report and export reads run on the read replica when DATABASE_REPLICA_URL is set; every
write (the export's audit entry) stays on the primary; without the setting everything reads
the primary; the replica refuses writes twice, in the session and at the connection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core import backup
from consult.core.audit import AuditEntry
from consult.core.database import REPLICA, replica_session
from consult.extensions import db
from tests.conftest import FreshContextClient
from tests.factories import make_comment, make_user
from tests.helpers import bearer_for

REPORT = "/api/v1/policies/nsp-2022-2026/report"
EXPORT = "/api/v1/policies/nsp-2022-2026/exports/comments?format=csv"


@pytest.fixture
def data(app, nsp) -> None:
    """One comment and an admin, which the replica copy will have too."""
    make_comment(make_user(), body="On both databases")
    make_user(role="admin", email="admin@example.org")
    db.session.commit()


@pytest.fixture
def replica_url(data, tmp_path) -> Iterator[str]:
    """A copy of the test database as it is now, standing in for a streaming replica."""
    if db.engine.dialect.name == "sqlite":
        path = tmp_path / "replica.db"
        backup.backup(path)  # the online backup API: a consistent copy
        yield f"sqlite:///{path}"
        return
    primary = db.engine.url
    name = f"{primary.database}_replica"
    db.session.remove()
    db.engine.dispose()  # a template database must have no other connections
    admin = sa.create_engine(primary.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{primary.database}"')
    try:
        yield primary.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def routed(make_app, replica_url):
    """An app whose reports read the replica, after the primary got one more comment."""
    make_comment(make_user(), body="Only on the primary")
    db.session.commit()
    app = make_app(DATABASE_REPLICA_URL=replica_url)
    app.test_client_class = FreshContextClient
    yield app
    app.extensions[REPLICA].dispose()
    with app.app_context():
        db.engine.dispose()  # make_app disposes only the first app's engine


def _admin_headers() -> dict[str, str]:
    # The token is created after the copy: it exists on the primary only, so a request
    # that authenticates with it proves the token check read the primary.
    return bearer_for(db.session.scalar(select(User).where(User.email == "admin@example.org")))


def _on_replica(app, model) -> int:
    with app.extensions[REPLICA].connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def test_the_report_counts_what_the_replica_has(routed, client):
    headers = _admin_headers()
    replica_report = routed.test_client().get(REPORT, headers=headers)
    assert replica_report.status_code == 200, replica_report.json
    assert replica_report.json["participation"]["comments"] == 1
    primary_report = client.get(REPORT, headers=headers)  # the suite's app: no replica set
    assert primary_report.json["participation"]["comments"] == 2


def test_the_report_page_reads_the_replica(routed, login_as):
    client = routed.test_client()
    user = make_user(role="admin", email="desk@example.org")
    db.session.commit()
    assert (
        client.post(
            "/auth/login", data={"email": user.email, "password": "correct horse battery"}
        ).status_code
        == 302
    )  # signing in reads and writes the primary (the replica lacks her)
    html = client.get("/policies/nsp-2022-2026/report").get_data(as_text=True)
    assert "<dt>Comments</dt><dd>1</dd>" in html  # the primary has 2


def test_exports_read_the_replica_and_audit_on_the_primary(routed):
    headers = _admin_headers()
    audit_primary = db.session.scalar(select(func.count()).select_from(AuditEntry))
    audit_replica = _on_replica(routed, AuditEntry)
    response = routed.test_client().get(EXPORT, headers=headers)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [row["body"] for row in rows] == ["On both databases"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_primary + 1
    assert _on_replica(routed, AuditEntry) == audit_replica
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last.action == "report.export" and response.headers["X-Export-SHA256"] in last.data


def test_the_cli_export_reads_the_replica(routed, tmp_path):
    out = tmp_path / "comments.csv"
    with routed.app_context():
        result = routed.test_cli_runner().invoke(
            args=["consult", "export", "comments", "--policy", "nsp-2022-2026", "--out", str(out)]
        )
    assert result.exit_code == 0, result.output
    bodies = [row["body"] for row in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))]
    assert bodies == ["On both databases"]


def test_the_replica_refuses_writes(routed):
    with routed.app_context():
        primary_session = db.session()
        with replica_session() as session:
            assert db.session() is session and session is not primary_session
            assert session.scalar(select(func.count()).select_from(Comment)) == 1
            session.add(AuditEntry(action="x", data="{}", prev_hash="0", hash="1"))
            with pytest.raises(RuntimeError, match="primary only"):
                session.flush()
            session.rollback()
            # And at the connection, whatever the session would let through.
            with pytest.raises(sa.exc.DBAPIError):
                session.execute(sa.text("DELETE FROM comments"))
        assert db.session() is primary_session  # the request's own session is back
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 2


def test_without_a_replica_everything_reads_the_primary(app, data):
    with replica_session() as session:
        assert session is db.session()
        assert session.scalar(select(func.count()).select_from(Comment)) == 1
    assert REPLICA not in app.extensions
