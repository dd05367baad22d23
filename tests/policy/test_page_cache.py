"""The anonymous section-page cache: served from memory, never stale, never personal.

These tests switch the cache on (the test configuration has NullCache) and make every
write through the real services or forms, then look at the very next page view.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from consult.comments import services
from consult.comments.models import Comment
from consult.extensions import db
from consult.moderation.services import Selection, act_on_comments
from consult.policy.models import SectionVersion
from consult.policy.page_cache import LocalPages, _Kept, local_pages
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


# --- signed-in readers: one shared page per kind of reader, with holes ------------------


def _signed_in(app, user):
    """A fresh browser signed in as `user` through the real login form."""
    db.session.commit()
    browser = app.test_client()
    login_page = browser.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page)
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    assert browser.post("/auth/login", data=data).status_code == 302
    return browser


def _footer(html: str, comment_id: int) -> str:
    """The actions under one comment."""
    start = html.index(f'id="comment-{comment_id}"')
    start = html.index('<footer class="comment-actions">', start)
    return html[start : html.index("</footer>", start)]


def _assert_shared(browser, path: str = SECTION) -> str:
    """A signed-in view answered from the page this worker kept: the account, then the
    section's version and the reader's own rows in one statement; no thread or policy."""
    html, statements, response = _view(browser, path)
    assert len(statements) == 2, statements
    assert "FROM users" in statements[0]
    assert all(t in statements[1] for t in ("section_versions", "endorsements", "comments"))
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    return html


def _assert_from_shared_cache(browser, path: str = SECTION) -> str:
    """A signed-in view of a page another worker rendered (in the shared cache, not kept
    here): the version, the account and the reader's own rows, still no thread."""
    local_pages().clear()
    html, statements, response = _view(browser, path)
    assert len(statements) == 3, statements
    assert sorted(
        next(t for t in ("section_versions", "endorsements", "FROM users") if t in s)
        for s in statements
    ) == ["FROM users", "endorsements", "section_versions"]
    assert response.headers["Cache-Control"] == "no-store"
    return html


def test_signed_in_readers_share_a_page_but_see_only_their_own_parts(app, client, nsp):
    section = section_of()
    alice, bob, carol = make_user(), make_user(), make_user()
    hers = make_comment(alice, section, "Alice wrote this")
    his = make_comment(bob, section, "Bob wrote this")
    carols = make_comment(carol, section, "Carol wrote this")
    services.endorse_comment(alice, his, "agree")
    services.endorse_comment(bob, carols, "disagree")
    db.session.commit()
    as_alice, as_bob = _signed_in(app, alice), _signed_in(app, bob)

    html, statements, _response = _view(as_alice)
    assert len(statements) > 5  # the first signed-in view renders the shared page
    for page in (html, _assert_shared(as_alice), _assert_from_shared_cache(as_alice)):
        mine = _footer(page, hers.id)
        assert f'href="/comments/{hers.id}/edit"' in mine
        assert f'href="/comments/{hers.id}/withdraw"' in mine
        assert "<form" not in mine and f"/comments/{hers.id}/flag" not in mine
        agreed = _footer(page, his.id)
        assert 'value="withdraw" aria-pressed="true"' in agreed  # Alice's agree, shown
        assert 'value="disagree" aria-pressed="false"' in agreed
        assert "/edit" not in agreed and f"/comments/{his.id}/flag" in agreed
        assert 'aria-pressed="true"' not in _footer(page, carols.id)

    # Bob gets the same shared page, filled with his own parts and none of Alice's.
    page = _assert_shared(as_bob)
    assert _assert_from_shared_cache(as_bob) == page
    assert "/edit" not in _footer(page, hers.id) and "<form" in _footer(page, hers.id)
    assert 'aria-pressed="true"' not in _footer(page, hers.id) + _footer(page, his.id)
    assert f'href="/comments/{his.id}/edit"' in _footer(page, his.id)
    assert 'value="withdraw" aria-pressed="true"' in _footer(page, carols.id).split("</button>")[1]
    assert "Alice wrote this" in page and "<!--h" not in page  # no marker is ever sent


def test_a_moderator_never_shares_a_citizens_page(app, client, nsp, moderator):
    comment = make_comment(body="Look at this")
    db.session.commit()
    citizen = _signed_in(app, make_user())
    _view(citizen)
    citizen_html = _assert_shared(citizen)
    assert "Moderate" not in citizen_html
    as_moderator = _signed_in(app, moderator)
    html, statements, _response = _view(as_moderator)
    assert len(statements) > 5  # not the citizens' page: rendered for moderators
    assert f'href="/moderation/comments/{comment.id}"' in html
    assert "Moderate" in _assert_shared(as_moderator)
    assert "Moderate" not in _assert_shared(citizen)
    # Nor does a signed-in kind ever get the anonymous page, or the reverse.
    anonymous = app.test_client()
    assert "Log out" not in _view(anonymous)[0] and "Moderate" not in _assert_from_cache(anonymous)


def test_a_reader_with_a_comment_awaiting_moderation_gets_their_own_page(app, client, nsp):
    section = section_of()
    make_comment(body="Published for all")
    waiting = make_user()
    pending = make_comment(waiting, section, "Waiting for a moderator")
    pending.status = "pending"
    db.session.commit()
    other = _signed_in(app, make_user())
    _view(other)
    assert "Waiting for a moderator" not in _assert_shared(other)
    as_author = _signed_in(app, waiting)
    for _ in range(2):
        html, statements, _response = _view(as_author)
        assert "Waiting for a moderator" in html and len(statements) > 5
        assert f'href="/comments/{pending.id}/edit"' in html
    assert "Waiting for a moderator" not in _assert_shared(other)


def test_every_write_appears_at_once_for_signed_in_readers(app, client, nsp, moderator):
    """The issue's test for signed-in readers: a new comment, an edit, a hide and a
    withdrawal each show on the very next view of the shared page."""
    section = section_of()
    author = make_user()
    comment = make_comment(author, section, "The original text")
    db.session.commit()
    reader = _signed_in(app, make_user())
    assert "The original text" in _view(reader)[0]
    assert "The original text" in _assert_shared(reader)

    new = make_comment(make_user(), section, "A brand new comment")
    db.session.commit()
    assert "A brand new comment" in _view(reader)[0]

    services.edit_comment(author, comment, "The edited text")
    db.session.commit()
    html = _view(reader)[0]
    assert "The edited text" in html and "The original text" not in html
    assert "The edited text" in _assert_shared(reader)

    act_on_comments(moderator, [Selection(new.id)], "hide", "spam")
    db.session.commit()
    assert "A brand new comment" not in _view(reader)[0]

    services.withdraw_comment(author, comment)
    db.session.commit()
    assert "The edited text" not in _view(reader)[0]
    assert "The edited text" not in _assert_shared(reader)


def test_own_writes_through_the_forms_show_on_the_next_view(app, client, nsp):
    other = make_comment(body="Someone else's view")
    db.session.commit()
    me = make_user()
    db.session.commit()
    browser = _signed_in(app, me)
    _view(browser)
    _assert_shared(browser)
    assert browser.post(f"/comments/{other.id}/endorse", data={"value": "agree"}).status_code == 302
    footer = _footer(_view(browser)[0], other.id)
    assert 'value="withdraw" aria-pressed="true"' in footer and "1</span>" in footer
    assert browser.post(SECTION + "/comments", data={"body": "My own words"}).status_code == 302
    db.session.expire_all()
    mine = db.session.scalar(select(Comment).where(Comment.body == "My own words"))
    html = _view(browser)[0]  # with its flash message: rendered for this reader alone
    assert f'href="/comments/{mine.id}/edit"' in _footer(html, mine.id)
    _view(browser)  # rendered and shared
    assert f'href="/comments/{mine.id}/edit"' in _footer(_assert_shared(browser), mine.id)


def test_the_csrf_token_in_a_shared_page_is_the_readers_own(app, client, nsp):
    """With CSRF on, as in production: each reader's page carries their session's token
    (the endorse form works with it), never the token of whoever rendered the page."""
    app.config["WTF_CSRF_ENABLED"] = True
    target = make_comment(body="Endorse me")
    first, second = make_user(), make_user()
    db.session.commit()
    as_first, as_second = _signed_in(app, first), _signed_in(app, second)
    tokens = {}
    for name, browser in (("first", as_first), ("second", as_second)):
        html = _view(browser)[0] if name == "first" else _assert_shared(browser)
        found = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert len(found) == 1  # the logout, comment and endorse forms: one token
        tokens[name] = found.pop()
        with browser.session_transaction() as session:
            raw = session["csrf_token"]
        with app.test_request_context():
            from flask import session as request_session
            from flask_wtf.csrf import validate_csrf

            request_session["csrf_token"] = raw
            validate_csrf(tokens[name])  # raises unless it is this session's token
    assert tokens["first"] != tokens["second"]
    endorse = f"/comments/{target.id}/endorse"
    assert as_second.post(endorse, data={"value": "agree"}).status_code == 400
    wrong = as_second.post(endorse, data={"value": "agree", "csrf_token": tokens["first"]})
    assert wrong.status_code == 400
    right = as_second.post(endorse, data={"value": "agree", "csrf_token": tokens["second"]})
    assert right.status_code == 302


# --- the pages each worker keeps ---------------------------------------------------------


def test_a_kept_page_is_used_only_while_its_version_is_current(app, client, nsp):
    """Another worker's write reaches this one only through the database: the version read
    with each view decides, so a kept page of an older version is never shown, signed in
    or out, and a version number reached again after a restore is another page."""
    make_comment(body="Before the change")
    db.session.commit()
    reader = _signed_in(app, make_user())
    for browser in (client, reader):
        _view(browser)
    assert len(local_pages()) == 2  # one page per kind of reader
    _assert_from_cache(client)
    _assert_shared(reader)
    section = section_of()
    comment = db.session.scalar(select(Comment).where(Comment.body == "Before the change"))
    # A write elsewhere, as another process would make it: straight to the database.
    db.session.execute(
        Comment.__table__.update()
        .where(Comment.__table__.c.id == comment.id)
        .values(body="After the change", body_html="<p>After the change</p>")
    )
    row = db.session.get(SectionVersion, section.id)
    version, changed_at = row.version, row.changed_at
    row.version += 1
    db.session.commit()
    for browser in (client, reader):
        html, statements, _response = _view(browser)
        assert "After the change" in html and len(statements) > 3
    # A restore brings back an earlier version number with another time of change.
    db.session.execute(
        Comment.__table__.update()
        .where(Comment.__table__.c.id == comment.id)
        .values(body="Restored text", body_html="<p>Restored text</p>")
    )
    row = db.session.get(SectionVersion, section.id)
    row.version, row.changed_at = version, changed_at.replace(year=changed_at.year - 1)
    db.session.commit()
    for browser in (client, reader):
        assert "Restored text" in _view(browser)[0]


def test_the_kept_pages_are_bounded_and_least_recently_used_go_first():
    pages = LocalPages(2)
    for name in ("a", "b"):
        pages.put(name, _Kept(key=name, section_id=1, body=name))
    assert pages.get("a").body == "a"  # now the most recent
    pages.put("c", _Kept(key="c", section_id=1, body="c"))
    assert pages.get("b") is None and pages.get("a") and pages.get("c") and len(pages) == 2
    off = LocalPages(0)
    off.put("a", _Kept(key="a", section_id=1, body="a"))
    assert off.get("a") is None


def test_no_page_is_kept_when_the_cache_is_off(make_app, nsp):
    app = make_app()  # the test configuration: NullCache
    with app.app_context():
        client = app.test_client()
        for _ in range(2):
            assert client.get(SECTION).status_code == 200
        assert local_pages().limit == 0 and len(local_pages()) == 0
        db.session.remove()
