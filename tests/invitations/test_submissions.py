"""Institutional submissions: a real PDF and a renamed HTML file, downloads only,
representatives of their own body only, read-only once submitted, versions, unpublished."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.core.audit import AuditEntry
from consult.extensions import db
from consult.invitations import services
from consult.invitations.models import Submission, SubmissionAttachment
from consult.invitations.services import InviteeData
from tests.factories import DEFAULT_PASSWORD, make_user

# A minimal, valid one-page PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.fixture
def app(make_app, tmp_path):
    app = make_app(SUBMISSION_STORAGE=str(tmp_path / "files"), SUBMISSION_BODY_QUOTA=len(PDF) * 3)
    with app.app_context():
        yield app
        db.session.remove()


def _representative(nsp, body_name="Ministry of Interior", email="rep@example.org"):
    body = services.create_body(nsp, body_name, "federal-ministry")
    invitee = services.create_invitee(
        nsp, InviteeData(email=email, name="Rep", body_id=body.id, representative=True)
    )
    token = services._issue_token(invitee.invitation)
    user = services.accept_invitation(token, f"Rep of {body_name}", DEFAULT_PASSWORD, False)
    db.session.commit()
    return body, user


def _login(client, email):
    assert (
        client.post("/auth/login", data={"email": email, "password": DEFAULT_PASSWORD}).status_code
        == 302
    )


def _draft(client, body) -> int:
    response = client.post(f"/bodies/{body.id}/response/draft")
    assert response.status_code == 302, response.data
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _upload(client, sid, data, name):
    return client.post(
        f"/submissions/{sid}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_pdf_is_kept_and_a_renamed_html_file_refused(client, nsp, app):
    body, _user = _representative(nsp)
    user_id = _user.id
    _login(client, "rep@example.org")
    sid = _draft(client, body)
    assert _upload(client, sid, PDF, "position.pdf").status_code == 302
    refused = _upload(client, sid, HTML, "totally-a.pdf")
    assert refused.status_code == 422 and "not a PDF" in refused.get_data(as_text=True)
    # Past 10 MB (the service: the test client spools a body this large to a file it
    # does not close, which the warning filter turns into an error).
    from consult.errors import ValidationError
    from consult.invitations import submissions

    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF"
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        submissions.add_attachment(
            db.session.get(User, user_id), db.session.get(Submission, sid), "big.pdf", big
        )
    db.session.rollback()
    db.session.expire_all()
    assert [a.filename for a in db.session.scalars(select(SubmissionAttachment))] == [
        "position.pdf"
    ]


def test_a_wrong_file_comes_off_a_draft_but_never_off_a_submitted_version(client, nsp, app):
    body, _user = _representative(nsp)
    _login(client, "rep@example.org")
    sid = _draft(client, body)
    _upload(client, sid, PDF, "wrong.pdf")
    _upload(client, sid, PDF + b"\n", "right.pdf")
    wrong = db.session.scalar(
        select(SubmissionAttachment).where(SubmissionAttachment.filename == "wrong.pdf")
    )
    page = client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert f"/submissions/attachments/{wrong.id}/remove" in page
    response = client.post(f"/submissions/attachments/{wrong.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.filename for a in db.session.scalars(select(SubmissionAttachment))] == ["right.pdf"]
    from consult.core.audit import AuditEntry

    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "submission.attachment_remove")
    )
    client.post(f"/submissions/{sid}/statement", data={"statement": "Our position."})
    client.post(f"/submissions/{sid}/submit")
    right = db.session.scalar(select(SubmissionAttachment))
    refused = client.post(f"/submissions/attachments/{right.id}/remove")
    assert refused.status_code == 302  # the service refuses: submitted versions are final
    db.session.expire_all()
    assert db.session.scalar(select(SubmissionAttachment.filename)) == "right.pdf"
    client.post("/auth/logout")
    anonymous = client.post(f"/submissions/attachments/{right.id}/remove")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_attachments_are_served_as_downloads_only(client, nsp, app):
    body, _user = _representative(nsp)
    _login(client, "rep@example.org")
    sid = _draft(client, body)
    _upload(client, sid, PDF, "../../etc/position.pdf")
    client.post(f"/submissions/{sid}/statement", data={"statement": "Our position."})
    client.post(f"/submissions/{sid}/submit")
    attachment = db.session.scalar(select(SubmissionAttachment))
    client.post("/auth/logout")
    response = client.get(f"/submissions/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "position.pdf" in response.headers["Content-Disposition"]
    assert ".." not in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    response.close()  # send_file streams from the stored file


def test_only_a_representative_of_that_body_may_write(client, nsp, app):
    body, _user = _representative(nsp)
    other_body, _other = _representative(nsp, "Government of Sindh", "sindh@example.org")
    _login(client, "sindh@example.org")
    assert client.post(f"/bodies/{body.id}/response/draft").status_code == 403
    plain = make_user(role="admin")
    db.session.commit()
    client.post("/auth/logout")
    _login(client, plain.email)
    assert client.post(f"/bodies/{body.id}/response/draft").status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(Submission)) is None


def test_submitted_is_read_only_and_a_revision_is_a_new_version(client, nsp, app):
    body, _user = _representative(nsp)
    _login(client, "rep@example.org")
    sid = _draft(client, body)
    client.post(f"/submissions/{sid}/statement", data={"statement": "Version one."})
    client.post(
        f"/submissions/{sid}/points",
        data={"section": "defence", "objective": "DT-1", "stance": "support", "body": "Agree."},
    )
    assert client.post(f"/submissions/{sid}/submit").status_code == 302
    again = client.post(f"/submissions/{sid}/statement", data={"statement": "Changed!"})
    assert again.status_code == 409
    db.session.expire_all()
    assert db.session.get(Submission, sid).statement == "Version one."
    second = _draft(client, body)
    assert second != sid
    client.post(f"/submissions/{second}/statement", data={"statement": "Version two."})
    client.post(f"/submissions/{second}/submit")
    html = client.get(f"/bodies/{body.id}/response").get_data(as_text=True)
    assert "Version one." in html and "Version two." in html and "Agree." in html
    db.session.expire_all()
    versions = db.session.execute(select(Submission.version, Submission.status)).all()
    assert sorted(versions) == [(1, "submitted"), (2, "submitted")]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "submissions.submit"))


def test_unpublished_responses_are_for_moderators_and_admins(client, nsp, app):
    body, _user = _representative(nsp)
    _login(client, "rep@example.org")
    sid = _draft(client, body)
    client.post(
        f"/submissions/{sid}/statement", data={"statement": "Private view.", "unpublished": "y"}
    )
    client.post(f"/submissions/{sid}/submit")
    client.post("/auth/logout")
    assert client.get(f"/bodies/{body.id}/response").status_code == 404
    moderator = make_user(role="moderator")
    db.session.commit()
    _login(client, moderator.email)
    assert "Private view." in client.get(f"/bodies/{body.id}/response").get_data(as_text=True)


def test_the_body_quota_is_enforced(client, nsp, app):
    body, _user = _representative(nsp)
    _login(client, "rep@example.org")
    sid = _draft(client, body)
    for n in range(3):
        pdf = PDF.replace(b"612", str(600 + n).encode())
        assert _upload(client, sid, pdf, f"p{n}.pdf").status_code == 302
    over = _upload(client, sid, PDF.replace(b"612", b"700"), "p4.pdf")
    assert over.status_code == 422 and "quota" in over.get_data(as_text=True)


def test_the_api_follows_the_same_rules(client, nsp, app):
    from tests.helpers import bearer_for

    body, user = _representative(nsp)
    rep = bearer_for(user)
    stranger = bearer_for(make_user())
    assert client.post(f"/api/v1/bodies/{body.id}/submissions", headers=stranger).status_code == 403
    draft = client.post(f"/api/v1/bodies/{body.id}/submissions", headers=rep)
    assert draft.status_code == 201 and draft.json["version"] == 1
    sid = draft.json["id"]
    assert client.get(f"/api/v1/bodies/{body.id}/submissions").json == {"submissions": []}
    client.patch(f"/api/v1/submissions/{sid}", headers=rep, json={"statement": "Formal view."})
    point = client.post(
        f"/api/v1/submissions/{sid}/points",
        headers=rep,
        json={"section": "defence", "objective": "DT-2", "stance": "concern", "body": "Care."},
    )
    assert point.status_code == 201 and len(point.json["points"]) == 1
    assert (
        client.post(f"/api/v1/submissions/{sid}/submit", headers=rep).json["status"] == "submitted"
    )
    late = client.patch(f"/api/v1/submissions/{sid}", headers=rep, json={"statement": "Late."})
    assert late.status_code == 409
    public = client.get(f"/api/v1/bodies/{body.id}/submissions").json["submissions"]
    assert [s["statement"] for s in public] == ["Formal view."]


def test_upload_still_needs_the_csrf_token(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True, SUBMISSION_STORAGE=str(tmp_path / "f"))
    with app.app_context():
        from consult.policy.loader import read_policy_file
        from consult.policy.services import load_policy
        from tests.conftest import NSP_FILE

        nsp = load_policy(read_policy_file(NSP_FILE)).policy
        body, _user = _representative(nsp)
        draft = submissions_start(_user, body)
    client = app.test_client()
    login = client.get("/auth/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post(
        "/auth/login",
        data={"email": "rep@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    refused = _upload(client, draft, PDF, "x.pdf")
    assert refused.status_code == 422
    accepted = client.post(
        f"/submissions/{draft}/attachments",
        data={"file": (io.BytesIO(PDF), "x.pdf"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SubmissionAttachment.filename)) == "x.pdf"


def submissions_start(user, body) -> int:
    from consult.invitations import submissions

    draft = submissions.start_draft(user, body)
    db.session.commit()
    return draft.id
