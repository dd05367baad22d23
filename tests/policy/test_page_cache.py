"""The anonymous section-page cache: served from memory, never stale, never personal.

These tests switch the cache on (the test configuration has NullCache) and make every
write through the real services or forms, then look at the very next page view.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from consult.comments import services
from consult.extensions import db
from consult.moderation.services import Selection, act_on_comments
from tests.factories import DEFAULT_PASSWORD, make_comment, make_user, section_of
from tests.helpers import count_queries

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app(CACHE_TYPE="SimpleCache")
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def moderator(app, nsp):
    user = make_user("moderator")
    db.session.commit()
    return user


def _view(client, path: str = SECTION, **headers) -> tuple[str, list[str], object]:
    """The page, the SQL it ran, and the response."""
    with count_queries() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code in (200, 304), response.status_code
    return response.get_data(as_text=True), statements, response


def _assert_from_cache(client, path: str = SECTION) -> str:
    html, statements, response = _view(client, path)
    # A hit reads the section's version and nothing else: no thread, no counts.
    assert len(statements) == 1 and "section_versions" in statements[0], statements
    assert response.headers["Cache-Control"].startswith("public")
    return html


def test_a_repeat_view_is_served_from_the_cache_and_revalidates(client, nsp):
    make_comment(body="First view")
    db.session.commit()
    html, statements, response = _view(client)
    assert "First view" in html and len(statements) > 5
    assert response.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert {"Cookie", "Accept-Language"} <= set(response.vary)
    assert "Set-Cookie" not in response.headers and "csrf_token" not in html
    assert _assert_from_cache(client) == html
    etag = response.headers["ETag"]
    again = client.get(SECTION, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    # A write changes the ETag: the old copy is no longer current.
    make_comment(body="Second view")
    db.session.commit()
    fresh = client.get(SECTION, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Second view" in fresh.get_data(as_text=True)
    assert fresh.headers["ETag"] != etag


def test_every_write_appears_on_the_next_view(client, nsp, moderator):
    """The issue's test: a new comment, an edit, a hide and a withdrawal each show on the
    very next page view; so do a restore, a reply and an endorsement count."""
    section = section_of()
    author, reader = make_user(), make_user()
    comment = make_comment(author, section, "The original text")
    db.session.commit()
    assert "The original text" in _view(client)[0]
    assert "The original text" in _assert_from_cache(client)

    new = make_comment(make_user(), section, "A brand new comment")
    db.session.commit()
    assert "A brand new comment" in _view(client)[0]

    services.edit_comment(author, comment, "The edited text")
    db.session.commit()
    html = _view(client)[0]
    assert "The edited text" in html and "The original text" not in html
    _assert_from_cache(client)

    act_on_comments(moderator, [Selection(new.id)], "hide", "spam")
    db.session.commit()
    assert "A brand new comment" not in _view(client)[0]

    act_on_comments(moderator, [Selection(new.id)], "restore")
    db.session.commit()
    assert "A brand new comment" in _view(client)[0]

    reply = services.post_comment(reader, section, "A reply to it", parent_id=comment.id).comment
    db.session.commit()
    assert "A reply to it" in _view(client)[0]

    services.endorse_comment(reader, comment, "agree")
    db.session.commit()
    assert "1 agree · 0 disagree" in _view(client)[0]

    services.withdraw_comment(reader, reply)
    db.session.commit()
    html = _view(client)[0]
    assert "A reply to it" not in html and "withdrawn by its author" not in html
    services.withdraw_comment(author, comment)
    db.session.commit()
    html = _view(client)[0]
    assert "The edited text" not in html
    _assert_from_cache(client)


def test_writes_through_the_forms_show_at_once(client, nsp, login_as):
    """Through the HTTP edge too: a comment posted by one reader, viewed by another."""
    anonymous = client.application.test_client()
    assert "Posted through the form" not in _view(anonymous)[0]
    _assert_from_cache(anonymous)
    login_as()
    response = client.post(SECTION + "/comments", data={"body": "Posted through the form"})
    assert response.status_code == 302
    assert "Posted through the form" in _view(anonymous)[0]


def test_each_language_has_its_own_page(client, nsp):
    english = _view(client)[0]
    assert '<html lang="en"' in english
    _assert_from_cache(client)
    client.set_cookie("lang", "ur")
    urdu = _view(client)[0]
    assert '<html lang="ur" dir="rtl">' in urdu
    assert _assert_from_cache(client) == urdu
    client.delete_cookie("lang")
    assert _assert_from_cache(client) == english
    other = client.application.test_client()
    by_header = other.get(SECTION, headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert by_header == urdu


def test_a_signed_in_page_never_comes_from_the_anonymous_cache(client, nsp, login_as):
    make_comment(body="Seen by all")
    db.session.commit()
    anonymous_html = _view(client)[0]
    _assert_from_cache(client)
    user = login_as()
    html, statements, response = _view(client)
    assert html != anonymous_html and "Log out" in html and 'id="comment-form"' in html
    assert len(statements) > 5  # rendered for this person
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    # ...nor does an anonymous page ever come from a signed-in render.
    client.post("/auth/logout", data={})
    other = client.application.test_client()
    html = _view(other)[0]
    assert "Log out" not in html and user.email not in html and "csrf_token" not in html


def test_a_pending_message_is_never_cached_nor_served_from_the_cache(client, nsp, login_as):
    _view(client)
    _assert_from_cache(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Only for this reader")]
    html, statements, response = _view(client)
    assert "Only for this reader" in html and len(statements) > 1
    assert response.headers["Cache-Control"] == "private, no-store"
    other = client.application.test_client()
    assert "Only for this reader" not in _view(other)[0]


def test_anonymous_forms_still_work_with_a_cached_page(app, client, nsp):
    """With CSRF on, as in production: the cached page holds no token of anyone's, and the
    login form (its own page, never cached) still takes a reader in from it."""
    app.config["WTF_CSRF_ENABLED"] = True  # read per request by Flask-WTF
    user = make_user()
    db.session.commit()
    _login_from_a_cached_page(app, user)


def _login_from_a_cached_page(app, user) -> None:
    first, second = app.test_client(), app.test_client()
    html = first.get(SECTION).get_data(as_text=True)
    assert "csrf_token" not in html and 'href="/auth/login?next=' in html
    assert second.get(SECTION).get_data(as_text=True) == html
    login_page = second.get("/auth/login?next=" + SECTION).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    without = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert second.post("/auth/login", data=without).status_code != 302  # CSRF is on
    response = second.post(
        "/auth/login?next=" + SECTION,
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert "Log out" in second.get(SECTION).get_data(as_text=True)
    assert "Log out" not in first.get(SECTION).get_data(as_text=True)


def test_unknown_arguments_and_drafts_are_not_cached(client, nsp):
    response = client.get(SECTION + "?utm_source=tv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(SECTION + "?page=2&sort=top").headers["Cache-Control"].startswith("public")
    nsp.status = "draft"
    db.session.commit()
    assert client.get(SECTION).status_code == 404


def test_the_cached_page_follows_its_arguments(client, nsp):
    for n in range(25):
        make_comment(body=f"Numbered {n:02d}")
    db.session.commit()
    first = _view(client)[0]
    second = _view(client, SECTION + "?page=2")[0]
    assert "Numbered 24" in first and "Numbered 24" not in second and "Numbered 00" in second
    assert _assert_from_cache(client, SECTION + "?page=2") == second
    assert _assert_from_cache(client) == first
