"""We asked, you said, we did: dispositions and section responses, their rules and pages."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, update

from consult.comments.models import Comment
from consult.core.audit import AuditEntry
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import curation, dispositions
from consult.moderation.models import CommentDisposition, SectionResponse, ThemeDisposition
from consult.policy.models import Policy
from consult.policy.queries import get_policy
from consult.reports import queries
from consult.reports.filters import ReportFilters
from tests.factories import DEFAULT_PASSWORD, make_comment, make_user, section_of
from tests.helpers import count_queries


def _actions(action):
    return [
        json.loads(e.data)
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    ]


def test_an_admin_sets_changes_and_clears_a_disposition_with_history(nsp):
    admin = make_user(role="admin")
    comment = make_comment(body="More schools in Balochistan")
    first = dispositions.set_comment_disposition(admin, comment, "noted", "  Passed on.  ")
    assert (first.disposition, first.reason) == ("noted", "Passed on.")
    # The same again is a no-op: no new row, no new audit entry.
    assert dispositions.set_comment_disposition(admin, comment, "noted", "Passed on.") is first
    second = dispositions.set_comment_disposition(admin, comment, "accepted", "Funded in 2027.")
    assert first.superseded_at is not None and first.superseded_by_id == admin.id
    assert dispositions.current_comment_disposition(comment.id) is second
    dispositions.clear_comment_disposition(admin, comment)
    assert dispositions.current_comment_disposition(comment.id) is None
    rows = db.session.scalars(select(CommentDisposition).order_by(CommentDisposition.id)).all()
    assert [r.disposition for r in rows] == ["noted", "accepted"]  # nothing deleted
    assert [a["disposition"] for a in _actions("disposition.set")] == ["noted", "accepted"]
    assert _actions("disposition.set")[1]["previous"] == "noted"
    assert _actions("disposition.clear") == [{"policy_id": nsp.id, "previous": "accepted"}]
    with pytest.raises(Conflict):
        dispositions.clear_comment_disposition(admin, comment)


def test_disposition_rules(nsp):
    admin = make_user(role="admin")
    comment = make_comment()
    with pytest.raises(ValidationError) as unknown:
        dispositions.set_comment_disposition(admin, comment, "rejected", "No.")
    assert "accepted, partly_accepted, not_accepted, noted" in unknown.value.message
    assert "disposition" in unknown.value.fields
    with pytest.raises(ValidationError) as no_reason:
        dispositions.set_comment_disposition(admin, comment, "accepted", "   ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(ValidationError):
        dispositions.set_comment_disposition(admin, comment, "accepted", "x" * 2001)
    for role in ("citizen", "facilitator", "moderator"):
        with pytest.raises(PermissionDenied):
            dispositions.set_comment_disposition(make_user(role=role), comment, "noted", "x")
    own = make_comment(admin, body="The admin's own comment")
    with pytest.raises(PermissionDenied):
        dispositions.set_comment_disposition(admin, own, "accepted", "Me.")
    for status in ("pending", "hidden", "rejected", "withdrawn"):
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(status=status))
        db.session.expire_all()
        with pytest.raises(Conflict):
            dispositions.set_comment_disposition(admin, comment, "accepted", "Why.")
    assert db.session.scalar(select(func.count(CommentDisposition.id))) == 0


def test_theme_dispositions_belong_to_their_policy(nsp):
    admin = make_user(role="admin")
    other = Policy(slug="other-policy", title={"en": "Other"}, status="open")
    db.session.add(other)
    db.session.flush()
    theirs = curation.create_theme(admin, other, "Water")
    ours = curation.create_theme(admin, nsp, "Schools")
    with pytest.raises(NotFound):
        dispositions.set_theme_disposition(admin, nsp, theirs, "accepted", "Why.")
    with pytest.raises(PermissionDenied):
        dispositions.set_theme_disposition(make_user(role="moderator"), nsp, ours, "noted", "x")
    with pytest.raises(ValidationError):
        dispositions.set_theme_disposition(admin, nsp, ours, "maybe", "x")
    row = dispositions.set_theme_disposition(admin, nsp, ours, "not_accepted", "Out of scope.")
    assert row.theme_id == ours.id
    merged = curation.create_theme(admin, nsp, "Teachers")
    curation.merge_theme(admin, merged, ours)
    with pytest.raises(Conflict):
        dispositions.set_theme_disposition(admin, nsp, merged, "noted", "x")
    again = dispositions.set_theme_disposition(admin, nsp, ours, "not_accepted", "Out of scope.")
    assert again is row  # the same again changes nothing
    dispositions.clear_theme_disposition(admin, nsp, ours)
    assert db.session.scalar(select(func.count(ThemeDisposition.id))) == 1
    assert row.superseded_at is not None and row.superseded_by_id == admin.id
    assert _actions("disposition.clear")[0]["previous"] == "not_accepted"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("disposition.%")))
    assert {(e.target_type, e.target_id) for e in entries} == {("theme", str(ours.id))}
    with pytest.raises(Conflict):
        dispositions.clear_theme_disposition(admin, nsp, ours)


def test_section_responses_are_sanitised_and_keep_revisions(nsp):
    admin = make_user(role="admin")
    section = section_of()
    first = dispositions.write_section_response(
        admin, section, "We *will* act. [x](javascript:alert(1))"
    )
    assert "<em>will</em>" in first.body_html and "<a" not in first.body_html
    assert (
        dispositions.write_section_response(
            admin, section, "We *will* act. [x](javascript:alert(1))"
        )
        is first
    )
    second = dispositions.write_section_response(admin, section, "Revised.")
    assert first.superseded_at is not None and dispositions.current_response(section.id) is second
    assert db.session.scalar(select(func.count(SectionResponse.id))) == 2
    audit = _actions("section_response.write")
    assert [a["revision"] for a in audit] == [first.id, second.id]
    assert audit[1]["previous"] == first.id and audit[1]["section"] == "national-cohesion"
    with pytest.raises(ValidationError):
        dispositions.write_section_response(admin, section, "  ")
    with pytest.raises(PermissionDenied):
        dispositions.write_section_response(make_user(role="moderator"), section, "Hi")


def test_the_report_shows_them_in_a_fixed_number_of_queries(nsp):
    admin = make_user(role="admin")
    comments = [make_comment(body=f"Comment {i} " + "word " * 80) for i in range(3)]
    dispositions.set_comment_disposition(admin, comments[0], "accepted", "Yes.")
    db.session.commit()
    policy = get_policy("nsp-2022-2026")
    [len(s.objectives) for s in policy.sections]
    with count_queries() as before:
        queries.build_report(policy, ReportFilters())
    for c in comments[1:]:
        dispositions.set_comment_disposition(admin, c, "noted", "Seen.")
    db.session.execute(update(Comment).where(Comment.id == comments[2].id).values(status="hidden"))
    dispositions.write_section_response(admin, section_of(), "Response.")
    db.session.commit()
    policy = get_policy("nsp-2022-2026")
    [len(s.objectives) for s in policy.sections]
    with count_queries() as after:
        report = queries.build_report(policy, ReportFilters())
    assert len(after) == len(before)
    nc = report["sections"][0]
    assert nc["response"]["text_html"] == "<p>Response.</p>"
    assert nc["dispositions"]["counts"]["accepted"] == 1
    assert nc["dispositions"]["counts"]["noted"] == 1  # the hidden one drops out
    assert [c["id"] for c in nc["dispositions"]["comments"]] == [comments[0].id, comments[1].id]
    assert nc["dispositions"]["comments"][0]["excerpt"].endswith("…")
    assert len(nc["dispositions"]["comments"][0]["excerpt"]) <= 201
    assert report["sections"][1]["response"] is None


# --- pages --------------------------------------------------------------------------------


def test_admin_pages_set_dispositions_and_write_responses(client, nsp, login_as):
    comment = make_comment(body="Please add civics")
    curator = make_user(role="admin")
    theme = curation.create_theme(curator, nsp, "Civics")
    curation.tag_comments(curator, [comment.id], add=[theme.id])  # the report lists themes in use
    db.session.commit()
    login_as("moderator")
    record = client.get(f"/moderation/comments/{comment.id}").get_data(as_text=True)
    assert "No disposition yet." in record and "Record the disposition" not in record
    client.post("/auth/logout")
    login_as("admin")
    record = client.get(f"/moderation/comments/{comment.id}").get_data(as_text=True)
    assert "Record the disposition" in record and "Partly accepted" in record
    url = f"/moderation/comments/{comment.id}/disposition"
    response = client.post(url, data={"op": "set", "disposition": "bogus", "reason": "x"})
    assert response.status_code == 302
    assert "Unknown disposition" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(url, data={"op": "set", "disposition": "accepted", "reason": "Added to NC-1."})
    db.session.expire_all()
    assert dispositions.current_comment_disposition(comment.id).reason == "Added to NC-1."
    assert "Added to NC-1." in client.get(f"/moderation/comments/{comment.id}").get_data(
        as_text=True
    )
    client.post(url, data={"op": "clear"})
    db.session.expire_all()
    assert dispositions.current_comment_disposition(comment.id) is None

    themes = client.get("/moderation/themes?policy=nsp-2022-2026").get_data(as_text=True)
    assert "Disposition of “Civics”" in themes
    client.post(
        f"/moderation/themes/{theme.id}/disposition?policy=nsp-2022-2026",
        data={"op": "set", "disposition": "noted", "reason": "Considered."},
    )
    db.session.expire_all()
    assert dispositions.current_theme_disposition(theme.id).disposition == "noted"

    section = section_of()
    page = client.get("/moderation/responses?policy=nsp-2022-2026")
    assert page.status_code == 200 and "National Cohesion" in page.get_data(as_text=True)
    post = f"/moderation/responses/{section.id}?policy=nsp-2022-2026"
    empty = client.post(post, data={f"s{section.id}-body": " "})
    assert empty.status_code == 422
    saved = client.post(post, data={f"s{section.id}-body": "We **will** teach civics."})
    assert saved.status_code == 302
    db.session.expire_all()
    assert dispositions.current_response(section.id).body == "We **will** teach civics."
    report = client.get("/policies/nsp-2022-2026/report").get_data(as_text=True)
    assert "We <strong>will</strong> teach civics." in report
    assert "Considered." in report  # the theme's disposition
    other = get_policy("nsp-2022-2026").sections[1]
    assert client.post(f"/moderation/responses/{other.id + 999}", data={}).status_code == 404


def test_participants_see_the_dispositions_of_their_own_comments(client, nsp):
    admin = make_user(role="admin")
    author, neighbour = make_user(), make_user()
    mine = make_comment(author, body="My idea about schools")
    theirs = make_comment(neighbour, body="Their idea about roads")
    dispositions.set_comment_disposition(admin, mine, "partly_accepted", "Schools yes.")
    dispositions.set_comment_disposition(admin, theirs, "not_accepted", "Roads no.")
    db.session.commit()
    client.post("/auth/login", data={"email": author.email, "password": DEFAULT_PASSWORD})
    page = client.get("/account").get_data(as_text=True)
    assert "What the government did with your comments" in page
    assert "Schools yes." in page and "Partly accepted" in page
    assert f"/comments/{mine.id}" in page
    assert "Roads no." not in page and "Their idea" not in page
    data = client.get("/account/data").get_json()
    assert data["dispositions"] == [
        {
            "comment_id": mine.id,
            "disposition": "partly_accepted",
            "reason": "Schools yes.",
            "set_at": data["dispositions"][0]["set_at"],
        }
    ]
    client.post("/auth/logout")
    quiet = make_user()
    db.session.commit()
    client.post("/auth/login", data={"email": quiet.email, "password": DEFAULT_PASSWORD})
    assert "What the government did" not in client.get("/account").get_data(as_text=True)
