"""Export downloads from the report page, the API and `consult export`: who may, headers,
filters, errors, and the audit entry whose digest matches the bytes received."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from consult.comments import services as comments
from consult.core.audit import AuditEntry
from consult.extensions import db
from consult.hearings.attendees import AttendeeProfile, create_attendee
from tests.factories import make_comment, make_hearing, make_user, section_of
from tests.helpers import bearer_for

BASE = "/policies/nsp-2022-2026/report/export"
API = "/api/v1/policies/nsp-2022-2026/exports"


@pytest.fixture
def data(nsp):
    make_comment(make_user(email="amna@example.org", province="punjab"), body="=1+1 in Punjab")
    make_comment(make_user(province="sindh"), body="In Sindh")
    hearing = make_hearing(status="open")
    attendee = create_attendee(
        hearing, AttendeeProfile(name="Zainab Secret", show_name=False), "paper"
    )
    comments.post_attendee_comment(
        attendee, section_of(), "On paper", None, channel="paper", hearing_id=hearing.id
    )
    db.session.commit()


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _last_audit():
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    return entry, json.loads(entry.data)


def test_moderator_downloads_a_csv_with_safe_headers_and_an_audited_digest(client, login_as, data):
    moderator = login_as("moderator")
    response = client.get(f"{BASE}/comments.csv?province=punjab")
    assert response.status_code == 200
    body = response.get_data()
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=nsp-2022-2026-comments-"
    )
    assert response.headers["Content-Disposition"].endswith(".csv")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    digest = hashlib.sha256(body).hexdigest()
    assert response.headers["X-Export-SHA256"] == digest
    rows = _csv(response)
    assert [r["body"] for r in rows] == ["'=1+1 in Punjab"]
    assert "email" not in rows[0]
    entry, logged = _last_audit()
    assert entry.action == "report.export" and entry.actor_id == moderator.id
    assert logged == {
        "kind": "comments",
        "format": "csv",
        "filters": {"province": "punjab"},
        "role": "moderator",
        "personal_data": False,
        "rows": 1,
        "bytes": len(body),
        "sha256": digest,
        "via": "web",
    }


def test_the_report_form_downloads_with_query_arguments(client, login_as, data):
    login_as("moderator")
    page = client.get("/policies/nsp-2022-2026/report?province=sindh").get_data(as_text=True)
    assert 'action="/policies/nsp-2022-2026/report/export"' in page
    assert 'name="province" value="sindh"' in page
    assert 'name="emails"' not in page  # personal data is for admins
    response = client.get(f"{BASE}?kind=comments&format=xlsx&province=sindh")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    values = list(sheet.values)
    assert len(values) == 2 and "In Sindh" in values[1]


def test_citizens_do_not_see_the_panel(client, login_as, nsp):
    from sqlalchemy import update

    from consult.policy.models import Policy

    db.session.execute(update(Policy).values(status="published"))
    db.session.commit()
    login_as("citizen")
    page = client.get("/policies/nsp-2022-2026/report").get_data(as_text=True)
    assert "report/export" not in page
    assert client.get(f"{BASE}/comments.csv").status_code == 403


def test_personal_data_for_admins_who_ask(client, login_as, data):
    login_as("moderator")
    assert client.get(f"{BASE}/comments.csv?emails=1").status_code == 403
    client.post("/auth/logout")
    login_as("admin")
    page = client.get("/policies/nsp-2022-2026/report").get_data(as_text=True)
    assert 'name="emails"' in page
    plain = client.get(f"{BASE}/comments.json").get_data(as_text=True)
    assert "amna@example.org" not in plain and "Zainab Secret" not in plain
    full = client.get(f"{BASE}/comments.json?emails=1").get_json()
    assert {r["email"] for r in full} >= {"amna@example.org"}
    assert "Zainab Secret" in {r["attendee_name"] for r in full}
    _entry, logged = _last_audit()
    assert logged["personal_data"] is True and logged["role"] == "admin"


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        (f"{BASE}/users.csv", 404, "comments, responses, hearings"),
        (f"{BASE}/comments.pdf", 422, "csv, xlsx, json"),
        (f"{BASE}?kind=comments", 422, "csv, xlsx, json"),
        (f"{BASE}/comments.csv?province=atlantis", 422, "punjab"),
        (f"{BASE}/comments.csv?from=2026-02-01&to=2026-01-01", 422, "backwards"),
        (f"{BASE}/comments.csv?emails=yes", 422, "0 or 1"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_logged(
    client, login_as, data, url, status, says
):
    login_as("moderator")
    before = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    response = client.get(url)
    assert response.status_code == status
    assert says in response.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    assert after == before


# --- API ------------------------------------------------------------------------------


def test_api_exports_for_desk_tokens(client, data):
    moderator = make_user(role="moderator")
    response = client.get(f"{API}/hearings?format=json", headers=bearer_for(moderator))
    assert response.status_code == 200 and response.mimetype == "application/json"
    (row,) = response.get_json()
    assert row["comments_paper"] == 1
    assert response.headers["X-Export-SHA256"] == hashlib.sha256(response.get_data()).hexdigest()
    _entry, logged = _last_audit()
    assert logged["via"] == "api" and logged["kind"] == "hearings"
    default = client.get(f"{API}/comments", headers=bearer_for(moderator))
    assert default.mimetype == "text/csv"


@pytest.mark.parametrize(
    ("role", "query", "status", "code"),
    [
        (None, "", 401, "unauthorized"),
        ("citizen", "", 403, "forbidden"),
        ("moderator", "?emails=1", 403, "forbidden"),
        ("moderator", "?format=pdf", 422, "validation_error"),
        ("moderator", "?gender=robot", 422, "validation_error"),
    ],
)
def test_api_errors_are_json(client, data, role, query, status, code):
    headers = bearer_for(make_user(role=role)) if role else {}
    response = client.get(f"{API}/comments{query}", headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_api_unknown_kind_is_404_json(client, data):
    response = client.get(f"{API}/users", headers=bearer_for(make_user(role="admin")))
    assert response.status_code == 404
    assert "comments, responses, hearings" in response.get_json()["error"]["message"]


# --- CLI ------------------------------------------------------------------------------


def test_cli_exports_to_a_file_as_admin_without_emails(runner, data, tmp_path):
    out = tmp_path / "c.csv"
    result = runner.invoke(
        args=[
            "consult",
            "export",
            "comments",
            "--policy",
            "nsp-2022-2026",
            "--format",
            "csv",
            "--out",
            str(out),
            "--filter",
            "province=punjab",
        ]
    )
    assert result.exit_code == 0, result.output
    data_bytes = out.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data_bytes.decode("utf-8-sig"))))
    assert [r["body"] for r in rows] == ["'=1+1 in Punjab"] and "email" not in rows[0]
    entry, logged = _last_audit()
    assert entry.actor_id is None and logged["via"] == "cli" and logged["role"] == "admin"
    assert logged["sha256"] == hashlib.sha256(data_bytes).hexdigest()
    assert logged["filters"] == {"province": "punjab"}


def test_cli_writes_to_stdout_and_adds_emails_on_request(runner, data):
    result = runner.invoke(
        args=[
            "consult",
            "export",
            "comments",
            "--policy",
            "nsp-2022-2026",
            "--format",
            "json",
            "--emails",
        ]
    )
    assert result.exit_code == 0, result.output
    payload = result.stdout_bytes
    rows = json.loads(payload)
    assert "amna@example.org" in {r["email"] for r in rows}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["comments", "--policy", "nope"], "No such policy"),
        (["users", "--policy", "nsp-2022-2026"], "users"),
        (["comments", "--policy", "nsp-2022-2026", "--format", "pdf"], "pdf"),
        (["comments", "--policy", "nsp-2022-2026", "--filter", "colour=red"], "colour=red"),
        (["comments", "--policy", "nsp-2022-2026", "--filter", "province=atlantis"], "punjab"),
        (
            [
                "comments",
                "--policy",
                "nsp-2022-2026",
                "--filter",
                "from=2026-02-01",
                "--filter",
                "to=2026-01-01",
            ],
            "backwards",
        ),
    ],
)
def test_cli_refuses_bad_input(runner, data, args, says):
    result = runner.invoke(args=["consult", "export", *args])
    assert result.exit_code != 0
    assert says in result.output
