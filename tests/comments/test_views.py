"""Comment pages through the test client, and the section page's query budget."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment, CommentRevision, Endorsement, Flag
from consult.extensions import db
from tests.factories import make_comment, make_user
from tests.helpers import assert_redirect, count_queries, count_rows

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"
POST = SECTION + "/comments"


def test_anonymous_reader_sees_comments_and_a_login_link(client, nsp):
    make_comment(body="A published view", objective_key="NC-1")
    db.session.commit()
    html = client.get(SECTION).get_data(as_text=True)
    assert "A published view" in html and "1 comment" in html
    assert 'href="/auth/login?next=' in html and 'id="comment-form"' not in html
    assert client.post(POST, data={"body": "x"}).headers["Location"].startswith("/auth/login")


def test_post_comment_on_objective_and_land_on_it(client, nsp, login_as):
    login_as()
    response = client.post(
        POST, data={"body": "About NC-2", "objective": "NC-2", "stance": "suggestion"}
    )
    comment = db.session.scalar(select(Comment))
    assert_redirect(response, f"{SECTION}#comment-{comment.id}")
    html = client.get(SECTION).get_data(as_text=True)
    assert "Thank you. Your comment is published." in html
    assert f'id="comment-{comment.id}"' in html and 'href="#NC-2">NC-2</a>' in html
    assert "Suggestion" in html


def test_comment_on_this_objective_link_preselects_it(client, nsp, login_as):
    login_as()
    html = client.get(SECTION).get_data(as_text=True)
    assert f'href="{SECTION}?about=NC-3#comment-form"' in html
    html = client.get(SECTION + "?about=NC-3").get_data(as_text=True)
    assert '<option selected value="NC-3">' in html


def test_form_errors_keep_the_text(client, nsp, login_as):
    login_as()
    text = "y" * 5001
    response = client.post(POST, data={"body": text, "objective": "NC-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert text in html and '<option selected value="NC-1">' in html
    response = client.post(POST, data={"body": "keep me", "objective": "XX-1"})
    assert response.status_code == 422
    assert "keep me" in response.get_data(as_text=True)
    assert count_rows(Comment) == 0


def test_preview_renders_without_posting(client, nsp, login_as):
    login_as()
    response = client.post(POST, data={"body": "**bold** idea", "preview": "Preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>bold</strong> idea" in html and "**bold** idea</textarea>" in html
    assert count_rows(Comment) == 0


def test_reply_page_works_without_javascript(client, nsp, login_as):
    parent = make_comment(body="Parent")
    db.session.commit()
    login_as()
    page = client.get(f"/comments/{parent.id}/reply")
    assert page.status_code == 200 and "Parent" in page.get_data(as_text=True)
    response = client.post(f"/comments/{parent.id}/reply", data={"body": "A reply"})
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == parent.id))
    assert response.headers["Location"] == f"{SECTION}#comment-{reply.id}"


def test_endorse_toggle_through_the_page(client, nsp, login_as):
    comment = make_comment()
    db.session.commit()
    login_as()
    client.post(f"/comments/{comment.id}/endorse?sort=top", data={"value": "agree"})
    html = client.get(SECTION).get_data(as_text=True)
    assert re.search(
        r'value="withdraw" aria-pressed="true" class="chip">Agree <span class="count">1', html
    )
    response = client.post(f"/comments/{comment.id}/endorse?sort=top", data={"value": "withdraw"})
    assert response.headers["Location"] == f"{SECTION}?sort=top#comment-{comment.id}"
    assert count_rows(Endorsement) == 0


def test_flag_page_confirms_and_refuses_a_second_flag(client, nsp, login_as):
    comment = make_comment()
    db.session.commit()
    login_as()
    response = client.post(f"/comments/{comment.id}/flag", data={"reason": "spam", "note": "ad"})
    assert response.status_code in (302, 303)
    assert "moderators have received your report" in client.get(SECTION).get_data(as_text=True)
    again = client.post(f"/comments/{comment.id}/flag", data={"reason": "abuse"})
    assert again.status_code == 409 or again.status_code == 422
    assert "already flagged" in again.get_data(as_text=True)
    assert count_rows(Flag) == 1


def test_edit_and_withdraw_own_comment(client, nsp, login_as):
    user = login_as()
    comment = make_comment(user=user, body="Original")
    db.session.commit()
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Changed"})
    assert response.status_code in (302, 303)
    html = client.get(SECTION).get_data(as_text=True)
    assert "Changed" in html and "edited" in html
    assert "Original" in client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    client.post(f"/comments/{comment.id}/withdraw", data={"value": "withdraw"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "withdrawn"


def test_cannot_edit_or_withdraw_someone_elses_comment(client, nsp, login_as):
    comment = make_comment(body="Not yours")
    db.session.commit()
    login_as()
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Mine!"}).status_code == 403
    assert (
        client.post(f"/comments/{comment.id}/withdraw", data={"value": "withdraw"}).status_code
        == 403
    )
    html = client.get(SECTION).get_data(as_text=True)
    assert f"/comments/{comment.id}/edit" not in html
    assert "Not yours" in html
    db.session.refresh(comment)
    assert (comment.body, comment.status) == ("Not yours", "published")
    assert count_rows(CommentRevision) == 0


def test_closed_policy_thread_is_read_only(client, nsp, login_as):
    make_comment(body="Said while open")
    nsp.status = "closed"
    db.session.commit()
    login_as()
    html = client.get(SECTION).get_data(as_text=True)
    assert "read-only" in html and 'id="comment-form"' not in html and "Said while open" in html
    assert client.post(POST, data={"body": "Too late"}).status_code == 403
    assert count_rows(Comment) == 1


def test_pre_moderation_shows_pending_only_to_author(client, nsp, login_as):
    nsp.moderation = "pre"
    db.session.commit()
    login_as()
    client.post(POST, data={"body": "Awaiting a moderator"})
    html = client.get(SECTION).get_data(as_text=True)
    assert "Awaiting a moderator" in html and "Awaiting moderation" in html
    client.post("/auth/logout")
    assert "Awaiting a moderator" not in client.get(SECTION).get_data(as_text=True)


def test_posting_is_rate_limited_and_keeps_the_text(make_app, database_url):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_POSTING="2 per minute")
    with app.app_context():
        from consult.policy.loader import read_policy_file
        from consult.policy.services import load_policy
        from tests.conftest import NSP_FILE
        from tests.factories import DEFAULT_PASSWORD

        load_policy(read_policy_file(NSP_FILE))
        user = make_user()
        db.session.commit()
        email = user.email
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": DEFAULT_PASSWORD})
    codes = [client.post(POST, data={"body": f"Comment {i}"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    response = client.post(POST, data={"body": "Please keep this text"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "posting too quickly" in html and "Please keep this text</textarea>" in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_section_page_query_count_does_not_grow_with_comments(client, nsp, login_as, logged_in):
    viewer = login_as() if logged_in else None

    def populate(n_threads: int) -> None:
        users = [make_user() for _ in range(5)]
        for i in range(n_threads):
            root = make_comment(
                user=users[i % 5], body=f"root {i}", objective_key=["NC-1", "NC-2", None][i % 3]
            )
            parent = root
            for depth in range(4):
                parent = make_comment(
                    user=users[(i + depth + 1) % 5], parent_id=parent.id, body=f"reply {i}.{depth}"
                )
        db.session.commit()

    def measure() -> tuple[int, int]:
        with count_queries() as statements:
            response = client.get(SECTION + "?sort=top")
        assert response.status_code == 200
        return len(statements), len(response.data)

    populate(2)
    small, _ = measure()
    populate(38)  # 40 threads × 5 comments = 200 comments and replies
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 200
    if viewer is not None:
        for comment in db.session.scalars(select(Comment).limit(30)):
            if comment.participant_id != viewer.participant_id:
                from consult.comments.services import endorse_comment

                endorse_comment(viewer, comment, "agree")
        db.session.commit()
    large, size = measure()
    assert large == small, f"{small} queries with 10 comments, {large} with 200"
    # A full render (the test config has no cache); signed in it also reads the section's
    # version (the shared page's key) and the reader's own state for the holes.
    assert large <= 13
    assert size < 150_000  # 20 threads of 5 comments on the page


def test_section_page_with_50_comments_is_under_100_kb(client, nsp, login_as):
    """DESIGN §4 budget, measured in the heaviest case: logged in, every comment on the page."""
    login_as()
    users = [make_user() for _ in range(5)]
    for i in range(10):
        parent = make_comment(
            user=users[i % 5], body=f"{i}. A typical comment of moderate length. " * 8
        )
        for j in range(4):
            parent = make_comment(
                user=users[(i + j + 1) % 5],
                parent_id=parent.id,
                body=f"Reply {i}.{j} with **some** emphasis and a [link](https://example.org/{j}).",
            )
    db.session.commit()
    html = client.get(SECTION).get_data(as_text=True)
    assert html.count('class="comment comment--published"') == 50
    assert len(html.encode()) < 100_000
