"""Comment endpoints of the API: shapes, errors, and the same rules as the pages."""

from __future__ import annotations

import pytest

from consult.accounts import services as accounts
from consult.comments.models import Comment, CommentRevision, Endorsement, Flag
from consult.extensions import db
from tests.factories import make_comment, make_user
from tests.helpers import bearer_for, count_rows

BASE = "/api/v1/policies/nsp-2022-2026/sections/national-cohesion/comments"


@pytest.fixture
def bearer(app):
    def make(**kwargs):
        user = make_user(**kwargs)
        return user, bearer_for(user)

    return make


def test_list_shape_published_only_and_no_email(client, nsp):
    author = make_user(email="hidden@example.org", name="Visible Name")
    root = make_comment(user=author, body="Root *text*", objective_key="NC-1", stance="support")
    reply = make_comment(parent_id=root.id, body="Reply")
    pending = make_comment(body="Pending one")
    pending.status = "pending"
    db.session.commit()
    body = client.get(BASE).json
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    first, second = body["comments"]
    assert first == {
        "id": root.id,
        "parent_id": None,
        "objective": "NC-1",
        "stance": "support",
        "body_html": "<p>Root <em>text</em></p>",
        "author": {"display_name": "Visible Name"},
        "channel": "online",
        "created_at": root.created_at.isoformat(),
        "edited_at": None,
        "endorsements": {"agree": 0, "disagree": 0},
    }
    assert second["id"] == reply.id and second["parent_id"] == root.id
    raw = client.get(BASE).get_data(as_text=True)
    assert "hidden@example.org" not in raw and "Pending one" not in raw


def test_list_filters_sorts_and_pages(client, nsp):
    for i in range(5):
        make_comment(body=f"c{i}", objective_key="NC-2" if i % 2 else None)
    db.session.commit()
    body = client.get(BASE + "?objective=NC-2&sort=old").json
    assert [c["body_html"] for c in body["comments"]] == ["<p>c1</p>", "<p>c3</p>"]
    body = client.get(BASE + "?sort=new&per_page=2&page=2").json
    assert body["total"] == 5 and [c["body_html"] for c in body["comments"]] == [
        "<p>c2</p>",
        "<p>c1</p>",
    ]
    assert client.get(BASE + "?page=0").status_code == 422
    assert client.get(BASE + "?per_page=1000").status_code == 422
    assert client.get(BASE + "?objective=ZZ-1").status_code == 404


def test_create_comment_201_with_status(client, nsp, bearer):
    _, headers = bearer()
    response = client.post(
        BASE, json={"body": "Via API", "objective": "NC-3", "stance": "concern"}, headers=headers
    )
    assert response.status_code == 201
    data = response.json
    assert data["status"] == "published" and data["objective"] == "NC-3"
    assert data["body_html"] == "<p>Via API</p>"
    again = client.post(
        BASE, json={"body": "Via API", "objective": "NC-3", "stance": "concern"}, headers=headers
    )
    assert again.status_code == 200 and again.json["id"] == data["id"]  # double submit


def test_create_pending_under_pre_moderation(client, nsp, bearer):
    nsp.moderation = "pre"
    _, headers = bearer()
    response = client.post(BASE, json={"body": "Held"}, headers=headers)
    assert response.status_code == 201 and response.json["status"] == "pending"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"body": ""}, 422, "body"),
        ({"body": "x" * 5001}, 422, "body"),
        ({"body": "nul\u0000"}, 422, "body"),
        ({"body": "ok", "objective": "HS-1"}, 422, "objective"),
        ({"body": "ok", "objective": 5}, 422, "objective"),
        ({"body": "ok", "stance": "furious"}, 422, "stance"),
        ({"body": "ok", "parent_id": "1"}, 422, "parent_id"),
        ({"body": "ok", "parent_id": 424242}, 422, "parent_id"),
        ({"body": "ok", "colour": "red"}, 422, "colour"),
        ([1, 2], 400, None),
    ],
)
def test_create_errors_are_json_with_fields(client, nsp, bearer, payload, status, field):
    _, headers = bearer()
    response = client.post(BASE, json=payload, headers=headers)
    assert response.status_code == status
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    if field:
        assert field in error["fields"]
    assert count_rows(Comment) == 0


def test_invalid_json_and_utf8_are_400(client, nsp, bearer):
    _, headers = bearer()
    for data in (b"{not json", b'{"body": "\xff\xfe"}'):
        response = client.post(
            BASE, data=data, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"
    assert count_rows(Comment) == 0


def test_writes_need_a_token(client, nsp):
    response = client.post(BASE, json={"body": "x"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert count_rows(Comment) == 0


def test_closed_policy_is_403(client, nsp, bearer):
    nsp.status = "closed"
    _, headers = bearer()
    response = client.post(BASE, json={"body": "late"}, headers=headers)
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert count_rows(Comment) == 0


def test_banned_user_is_403(client, nsp, bearer):
    from consult.core.models import utcnow

    user, headers = bearer()
    user.banned_at = utcnow()
    db.session.commit()
    assert client.post(BASE, json={"body": "no"}, headers=headers).status_code == 403
    assert count_rows(Comment) == 0


def test_patch_edits_own_comment_only(client, nsp, bearer):
    author, headers = bearer()
    _, other = bearer()
    comment = make_comment(user=author, body="before")
    db.session.commit()
    response = client.patch(
        f"/api/v1/comments/{comment.id}", json={"body": "after"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json["body"] == "after" and response.json["edited_at"] is not None
    denied = client.patch(f"/api/v1/comments/{comment.id}", json={"body": "x"}, headers=other)
    assert denied.status_code == 403
    db.session.refresh(comment)
    assert comment.body == "after" and count_rows(CommentRevision) == 1
    missing = client.patch("/api/v1/comments/999999", json={"body": "x"}, headers=headers)
    assert missing.status_code == 404


def test_withdrawal_endpoint(client, nsp, bearer):
    author, headers = bearer()
    comment = make_comment(user=author)
    db.session.commit()
    response = client.post(f"/api/v1/comments/{comment.id}/withdrawal", headers=headers)
    assert response.json == {"id": comment.id, "status": "withdrawn"}


def test_endorse_switch_and_withdraw(client, nsp, bearer):
    comment = make_comment()
    db.session.commit()
    _, headers = bearer()
    url = f"/api/v1/comments/{comment.id}/endorsements"
    assert client.post(url, json={"value": "agree"}, headers=headers).json == {
        "value": "agree",
        "endorsements": {"agree": 1, "disagree": 0},
    }
    assert client.post(url, json={"value": "agree"}, headers=headers).json["endorsements"] == {
        "agree": 1,
        "disagree": 0,
    }
    assert client.post(url, json={"value": "disagree"}, headers=headers).json["endorsements"] == {
        "agree": 0,
        "disagree": 1,
    }
    assert client.delete(url, headers=headers).json == {
        "value": None,
        "endorsements": {"agree": 0, "disagree": 0},
    }
    bad = client.post(url, json={"value": "meh"}, headers=headers)
    assert bad.status_code == 422 and "value" in bad.json["error"]["fields"]
    assert count_rows(Endorsement) == 0


def test_flag_once_then_409(client, nsp, bearer):
    comment = make_comment()
    db.session.commit()
    _, headers = bearer()
    url = f"/api/v1/comments/{comment.id}/flags"
    first = client.post(url, json={"reason": "spam", "note": "buy now"}, headers=headers)
    assert first.status_code == 201 and first.json["reason"] == "spam"
    second = client.post(url, json={"reason": "abuse"}, headers=headers)
    assert second.status_code == 409 and second.json["error"]["code"] == "conflict"
    assert count_rows(Flag) == 1


def test_api_posting_shares_the_rate_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_POSTING="2 per minute")
    with app.app_context():
        from consult.policy.loader import read_policy_file
        from consult.policy.services import load_policy
        from tests.conftest import NSP_FILE

        load_policy(read_policy_file(NSP_FILE))
        user = make_user()
        token = accounts.create_api_token(user, "t").plaintext
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    codes = [
        client.post(BASE, json={"body": f"n{i}"}, headers=headers).status_code for i in range(3)
    ]
    assert codes == [201, 201, 429]
    limited = client.post(BASE, json={"body": "again"}, headers=headers)
    assert limited.json["error"]["code"] == "rate_limited"
