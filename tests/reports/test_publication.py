"""Published snapshots: frozen, digested, verifiable, never changed; who publishes them."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import delete, func, select, update

from consult.core.audit import AuditEntry
from consult.errors import PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import curation, dispositions
from consult.policy.models import Policy
from consult.policy.queries import get_policy
from consult.reports import publication
from consult.reports.models import ReportSnapshot, SnapshotImmutable
from tests.factories import make_comment, make_user, section_of
from tests.helpers import bearer_for

REPORT = "/policies/nsp-2022-2026/report"
API = "/api/v1/policies/nsp-2022-2026/report"


@pytest.fixture
def answered(nsp):
    """Two comments, one answered; a theme with a disposition; a section response."""
    admin = make_user(role="admin")
    author = make_user()
    first = make_comment(author, body="Teach the constitution in every school", stance="support")
    make_comment(body="Something else entirely")
    theme = curation.create_theme(admin, nsp, "Schools")
    curation.tag_comments(admin, [first.id], add=[theme.id])
    dispositions.set_comment_disposition(admin, first, "partly_accepted", "Civics is added.")
    dispositions.set_theme_disposition(admin, nsp, theme, "accepted", "In the action plan.")
    dispositions.write_section_response(admin, section_of(), "We **heard** you. <script>x</script>")
    db.session.commit()
    return {"admin": admin, "author": author, "comment": first, "theme": theme}


def _publish(admin, note=None):
    snapshot = publication.publish_report(get_policy("nsp-2022-2026"), admin, note)
    db.session.commit()
    return snapshot


def _audit(number):
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.publish"))
    return next(json.loads(e.data) for e in entries if json.loads(e.data)["number"] == number)


def test_an_admin_publishes_from_the_page_and_every_digest_agrees(client, answered, login_as):
    login_as("admin")
    page = client.get(REPORT).get_data(as_text=True)
    assert "Publish the report" in page and "can never be changed" in page
    assert "Nothing has been published yet." in page
    # Without the confirmation nothing is written.
    response = client.post(f"{REPORT}/snapshots", data={"note": "First"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ReportSnapshot.id))) == 0
    response = client.post(f"{REPORT}/snapshots", data={"note": "First", "confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{REPORT}/snapshots/1")
    db.session.expire_all()
    snapshot = db.session.scalar(select(ReportSnapshot))
    download = client.get(f"{REPORT}/snapshots/1.json")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/json"
    assert download.data == snapshot.body.encode("utf-8")
    digest = hashlib.sha256(download.data).hexdigest()
    assert digest == snapshot.sha256 == _audit(1)["sha256"]
    assert _audit(1)["policy"] == "nsp-2022-2026"
    # The same digest on the snapshot's page, on the report page and in the API.
    assert digest in client.get(f"{REPORT}/snapshots/1").get_data(as_text=True)
    assert digest in client.get(REPORT).get_data(as_text=True)  # the list of snapshots
    client.post("/auth/logout")
    assert client.get(API).get_json()["snapshot"]["sha256"] == digest
    public = client.get(REPORT).get_data(as_text=True)
    assert digest in public and "Published report, snapshot 1" in public
    # The download is canonical JSON: sorted keys, no spaces, UTF-8.
    body = json.loads(download.data)
    assert (
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        == download.data
    )
    assert body["publication"]["number"] == 1 and body["publication"]["note"] == "First"


def test_the_snapshot_carries_the_governments_response(answered):
    body = _publish(answered["admin"]).data()
    nc = next(s for s in body["sections"] if s["slug"] == "national-cohesion")
    assert nc["title"]["en"] == "National Cohesion"
    assert nc["response"]["text_html"] == (
        "<p>We <strong>heard</strong> you. &lt;script&gt;x&lt;/script&gt;</p>"
    )
    assert nc["dispositions"]["counts"] == {
        "accepted": 0,
        "partly_accepted": 1,
        "not_accepted": 0,
        "noted": 0,
    }
    [entry] = nc["dispositions"]["comments"]
    assert entry == {
        "id": answered["comment"].id,
        "excerpt": "Teach the constitution in every school",
        "disposition": "partly_accepted",
        "reason": "Civics is added.",
    }
    assert body["themes"][0]["disposition"] == {
        "disposition": "accepted",
        "reason": "In the action plan.",
    }
    # Published: suppressed for the public, never the exact desk figures.
    assert body["small_cells"]["min"] == 5
    assert body["participation"]["participants"] is None  # 2 people


def test_later_changes_leave_a_snapshot_byte_identical(client, answered, runner):
    admin = answered["admin"]
    first = _publish(admin)
    frozen = client.get(f"{REPORT}/snapshots/1.json").data
    make_comment(body="A comment after publication")
    dispositions.write_section_response(admin, section_of(), "A changed response.")
    db.session.commit()
    second = _publish(admin, "After the hearings")
    assert (first.number, second.number) == (1, 2)
    assert client.get(f"{REPORT}/snapshots/1.json").data == frozen
    assert hashlib.sha256(frozen).hexdigest() == first.sha256 != second.sha256
    assert json.loads(frozen)["participation"]["comments"] == 2
    assert second.data()["participation"]["comments"] == 3
    # The public reads the newest; the older one stays readable and says there is a newer.
    assert client.get(API).get_json()["snapshot"]["number"] == 2
    old = client.get(f"{REPORT}/snapshots/1").get_data(as_text=True)
    assert "A newer snapshot (2) has been published." in old
    assert "We <strong>heard</strong> you." in old
    assert "A changed response." in client.get(REPORT).get_data(as_text=True)
    listing = client.get(f"{API}/snapshots").get_json()["snapshots"]
    assert [(s["number"], s["sha256"]) for s in listing] == [
        (2, second.sha256),
        (1, first.sha256),
    ]
    assert client.get(f"{REPORT}/snapshots/3").status_code == 404
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 0, result.output


def test_a_snapshot_cannot_be_changed_or_removed(answered):
    snapshot = _publish(answered["admin"])
    snapshot.body = snapshot.body.replace("Civics", "Nothing")
    with pytest.raises(SnapshotImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ReportSnapshot, snapshot.id))
    with pytest.raises(SnapshotImmutable):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(SnapshotImmutable):
        db.session.execute(update(ReportSnapshot).values(note="changed"))
    db.session.rollback()
    with pytest.raises(SnapshotImmutable):
        db.session.execute(delete(ReportSnapshot))
    db.session.rollback()
    db.session.expire_all()
    again = db.session.get(ReportSnapshot, snapshot.id)
    assert again.verifies() and "Civics" in again.body


def test_no_route_writes_to_a_snapshot(client, app, answered, login_as):
    _publish(answered["admin"])
    login_as("admin")
    for url in (f"{REPORT}/snapshots/1", f"{REPORT}/snapshots/1.json"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.open(url, method=method).status_code == 405, (method, url)
    writes = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "snapshots/<" in rule.rule and rule.methods - {"GET", "HEAD", "OPTIONS"}
    ]
    assert writes == []


def test_only_admins_publish_and_never_a_draft(client, answered):
    policy = get_policy("nsp-2022-2026")
    for role in ("citizen", "facilitator", "moderator"):
        with pytest.raises(PermissionDenied):
            publication.publish_report(policy, make_user(role=role))
    with pytest.raises(ValidationError):
        publication.publish_report(policy, answered["admin"], "x" * 1001)
    url = f"{API}/snapshots"
    assert client.post(url, json={}).status_code == 401
    moderator = bearer_for(make_user(role="moderator"))
    admin = bearer_for(answered["admin"])
    db.session.commit()
    denied = client.post(url, json={}, headers=moderator)
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "forbidden"
    assert client.post(url, json={"note": 5}, headers=admin).status_code == 422
    assert client.post(url, json={"colour": "red"}, headers=admin).status_code == 422
    made = client.post(url, json={"note": "Interim"}, headers=admin)
    assert made.status_code == 201
    assert set(made.get_json()) >= {"number", "sha256", "published_at", "url"}
    assert made.get_json()["number"] == 1
    assert client.post(url, headers=admin).get_json()["number"] == 2  # the body is optional
    download = client.get(made.get_json()["url"].replace("http://localhost", ""))
    assert hashlib.sha256(download.data).hexdigest() == made.get_json()["sha256"]
    db.session.execute(update(Policy).values(status="draft"))
    db.session.commit()
    with pytest.raises(PermissionDenied):
        publication.publish_report(
            get_policy("nsp-2022-2026", include_drafts=True), answered["admin"]
        )
    assert db.session.scalar(select(func.count(ReportSnapshot.id))) == 2


def test_the_public_never_sees_the_live_report(client, answered, login_as):
    # Nothing before the first snapshot, whatever the policy's status.
    db.session.execute(update(Policy).values(status="published"))
    db.session.commit()
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/snapshots").get_json() == {"snapshots": []}
    db.session.execute(update(Policy).values(status="open"))
    db.session.commit()
    _publish(answered["admin"])
    make_comment(body="Posted after publication")
    db.session.commit()
    assert client.get(API).get_json()["participation"]["comments"] == 2
    login_as("moderator")
    live = client.get(API)  # cookies are not API credentials: still the public view
    assert live.get_json()["participation"]["comments"] == 2
    assert "Posted after publication" not in client.get(f"{REPORT}/snapshots/1").get_data(
        as_text=True
    )
    moderator = bearer_for(make_user(role="moderator"))
    db.session.commit()
    assert client.get(API, headers=moderator).get_json()["participation"]["comments"] == 3
