"""The moderation desk and the transparency page, through the test client."""

from __future__ import annotations

from sqlalchemy import select

from consult.comments import services as comments
from consult.comments.models import Comment
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import ModerationAction
from consult.moderation.services import Selection
from tests.factories import make_comment, make_user
from tests.helpers import assert_redirect, bearer_for, count_queries, count_rows

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"


def _queue_token(client, comment_id: int) -> str:
    html = client.get("/moderation/").get_data(as_text=True)
    marker = f'value="{comment_id}:'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_queue_shows_reported_comments_with_context_and_acts_in_bulk(client, nsp, login_as):
    parent = make_comment(body="The original point")
    reply = make_comment(body="A rude reply", parent_id=parent.id)
    other = make_comment(body="Spam link")
    comments.flag_comment(make_user(), reply, "abuse", "name-calling")
    comments.flag_comment(make_user(), other, "spam")
    db.session.commit()
    login_as("moderator")
    html = client.get("/moderation/").get_data(as_text=True)
    assert "2 comments waiting" in html
    assert "The original point" in html and "name-calling" in html and "National Cohesion" in html
    tokens = [f"{c.id}:{_queue_token(client, c.id)}" for c in (reply, other)]
    response = client.post(
        "/moderation/actions", data={"ids": tokens, "action": "hide", "reason": "abuse"}
    )
    assert_redirect(response, "/moderation/")
    assert "2 comments: Hidden." in client.get("/moderation/").get_data(as_text=True)
    db.session.expire_all()
    assert {
        c.status for c in db.session.scalars(select(Comment).where(Comment.id != parent.id))
    } == {"hidden"}
    assert "Nothing is waiting" in client.get("/moderation/").get_data(as_text=True)
    thread = client.get(SECTION).get_data(as_text=True)
    assert "A rude reply" not in thread and "Spam link" not in thread


def test_hidden_comment_shows_its_reason_in_place_and_replies_stay(client, nsp, login_as):
    moderator = make_user(role="moderator")
    parent = make_comment(body="Hidden text here")
    make_comment(body="Reply stays", parent_id=parent.id)
    services.act_on_comments(moderator, [Selection(parent.id)], "hide", "personal-data")
    db.session.commit()
    html = client.get(SECTION).get_data(as_text=True)
    assert "Hidden by a moderator: Personal data" in html
    assert "Hidden text here" not in html and "Reply stays" in html


def test_a_refused_bulk_action_writes_nothing_and_says_why(client, nsp, login_as):
    comment = make_comment()
    db.session.commit()
    login_as("moderator")
    response = client.post(
        "/moderation/actions",
        data={"ids": [f"{comment.id}:", "999999:"], "action": "hide", "reason": "spam"},
        follow_redirects=True,
    )
    assert "No comment 999999: nothing was changed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "published"
    assert count_rows(ModerationAction) == 0


def test_queue_runs_a_fixed_number_of_queries(client, nsp, login_as):
    moderator = login_as("moderator")
    from consult.moderation import curation
    from consult.policy.models import Policy

    policy = db.session.scalar(select(Policy))
    themes = [curation.create_theme(moderator, policy, name) for name in ("One", "Two")]

    def fill(n: int) -> None:
        for i in range(n):
            c = make_comment(body=f"Reported {n}-{i}", user=make_user())
            comments.flag_comment(make_user(), c, "spam", "note")
            curation.tag_comments(moderator, [c.id], add=[t.id for t in themes])
            curation.feature_comment(moderator, c)
            curation.add_note(moderator, c, "seen")
        db.session.commit()

    def measure() -> int:
        with count_queries() as statements:
            assert client.get("/moderation/").status_code == 200
        return len(statements)

    fill(3)
    few = measure()
    fill(20)
    assert measure() == few


def test_ban_page_suspends_and_lifts(client, nsp, login_as):
    target = make_user(name="Troll Account")
    db.session.commit()
    login_as("moderator")
    page = client.get(f"/moderation/users/{target.id}/ban")
    assert page.status_code == 200 and "Suspend Troll Account" in page.get_data(as_text=True)
    refused = client.post(f"/moderation/users/{target.id}/ban", data={"reason": ""})
    assert refused.status_code == 422
    db.session.refresh(target)
    assert not target.is_banned
    done = client.post(f"/moderation/users/{target.id}/ban", data={"reason": "abuse"})
    assert_redirect(done, "/moderation/")
    db.session.refresh(target)
    assert target.is_banned
    client.post(f"/moderation/users/{target.id}/unban")
    db.session.refresh(target)
    assert not target.is_banned


def test_transparency_page_counts_without_names(client, nsp):
    moderator = make_user(role="moderator", name="Secret Moderator")
    author = make_user(name="Named Author")
    comment = make_comment(user=author)
    services.act_on_comments(moderator, [Selection(comment.id)], "hide", "spam")
    db.session.commit()
    html = client.get("/transparency").get_data(as_text=True)
    assert "A comment reported by 3 different people" in html
    assert "Spam" in html and "Hidden" in html
    assert "Secret Moderator" not in html and "Named Author" not in html


def test_api_queue_and_actions(client, nsp):
    moderator = make_user(role="moderator")
    comment = make_comment(body="Reported")
    comments.flag_comment(make_user(), comment, "spam", "advert")
    db.session.commit()
    headers = bearer_for(moderator)
    citizen = bearer_for(make_user())
    assert client.get("/api/v1/moderation/queue", headers=citizen).status_code == 403
    queue = client.get("/api/v1/moderation/queue", headers=headers).json
    assert queue["total"] == 1
    [item] = queue["items"]
    assert item["flags"][0]["reason"] == "spam" and "email" not in str(item)
    section = item["comment"]["section"]
    for query, total in [
        (f"section={section}", 1),
        ("section=defence", 0),
        ("hearing=7", 0),
        ("channel=online", 1),
    ]:
        got = client.get(f"/api/v1/moderation/queue?{query}", headers=headers).json
        assert got["total"] == total, query
    bad = client.get("/api/v1/moderation/queue?hearing=x", headers=headers)
    assert bad.status_code == 422 and "hearing" in bad.json["error"]["fields"]
    url = f"/api/v1/moderation/comments/{comment.id}/actions"
    refused = client.post(url, json={"action": "hide"}, headers=headers)
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    done = client.post(
        url, json={"action": "hide", "reason": "spam", "token": item["token"]}, headers=headers
    )
    assert done.status_code == 200 and done.json["status"] == "hidden"
    stale = client.post(
        "/api/v1/moderation/actions",
        json={"action": "restore", "comments": [{"id": comment.id, "token": item["token"]}]},
        headers=headers,
    )
    assert stale.status_code == 409
    bulk = client.post(
        "/api/v1/moderation/actions",
        json={"action": "restore", "comments": [{"id": comment.id}]},
        headers=headers,
    )
    assert bulk.status_code == 200 and bulk.json["comments"][0]["status"] == "published"


def test_api_ban_and_unban(client, nsp):
    moderator = make_user(role="moderator")
    target = make_user()
    db.session.commit()
    headers = bearer_for(moderator)
    url = f"/api/v1/moderation/users/{target.id}/ban"
    past = client.post(
        url, json={"reason": "abuse", "until": "2020-01-01T00:00:00+05:00"}, headers=headers
    )
    assert past.status_code == 422
    ok = client.post(
        url, json={"reason": "abuse", "until": "2099-01-01T00:00:00+05:00"}, headers=headers
    )
    assert ok.status_code == 200 and ok.json["suspended"] is True
    assert client.delete(url, headers=headers).json == {"id": target.id, "suspended": False}


def test_the_author_sees_what_happened_and_why(client, nsp, login_as):
    author = login_as()
    moderator = make_user(role="moderator")
    kept = make_comment(user=author, body="Still up")
    gone = make_comment(user=author, body="Taken down")
    services.act_on_comments(moderator, [Selection(gone.id)], "hide", "off-topic")
    db.session.commit()
    html = client.get("/account").get_data(as_text=True)
    assert "Your comments" in html and "Still up" in html and "Taken down" in html
    assert "Hidden by a moderator" in html and "Off-topic" in html
    assert kept.id != gone.id


def test_moderation_log_filters_and_exports_a_safe_audited_csv(client, nsp, login_as):
    import csv
    import io

    from consult.core import audit
    from consult.core.audit import AuditEntry

    moderator = login_as("moderator", name="Desk Person")
    spam, rude = make_comment(body="Spam"), make_comment(body="Rude")
    services.act_on_comments(moderator, [Selection(spam.id)], "hide", "spam", '=HYPERLINK("x")')
    services.act_on_comments(moderator, [Selection(rude.id)], "hide", "abuse")
    db.session.commit()
    page = client.get("/moderation/log?reason=spam").get_data(as_text=True)
    assert "1 entry" in page and "Desk Person" in page and f"comment {spam.id}" in page
    assert f"comment {rude.id}" not in page
    assert client.get("/moderation/log?from=yesterday").status_code == 422
    response = client.get("/moderation/log.csv?reason=spam")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "time_utc", "actor", "action"]
    assert len(rows) == 2 and rows[1][2:5] == ["Desk Person", "hide", "spam"]
    assert rows[1][-1] == '\'=HYPERLINK("x")'  # a formula in a note stays text
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "moderation.log_export")
    )
    assert entry.actor_id == moderator.id and '"reason": "spam"' in entry.data
    assert audit.verify_chain().ok
