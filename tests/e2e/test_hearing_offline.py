"""A participant in the hall on weak Wi-Fi: joins from a phone, loses the network, submits a
comment that is kept on the phone, gets the network back, and exactly one comment lands.
CSRF is on throughout; the forms also work without JavaScript."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from consult.comments.models import Comment
from consult.extensions import db
from tests.factories import make_hearing

pytestmark = pytest.mark.e2e

NC_TITLE = "National Cohesion"
SAVED = "Saved on this phone; it will be sent when you are back online."


@pytest.fixture
def open_hearing(live_app: Flask) -> tuple[int, str]:
    with live_app.app_context():
        hearing = make_hearing(status="open", title="Hearing at Punjab University")
        db.session.commit()
        found = (hearing.id, hearing.join_code)
        db.session.remove()
    return found


def hall_comments(live_app: Flask) -> list[tuple[str, str, int]]:
    with live_app.app_context():
        comments = list(db.session.scalars(select(Comment)))
        found = [(c.body, c.channel, c.hearing_id) for c in comments]
        db.session.remove()
    return found


def join(page: Page, live_server: str, code: str) -> None:
    page.goto(f"{live_server}/join")
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Take part in this hearing")).to_be_visible()
    page.get_by_label("Your name (optional)").fill("Bilal")
    page.get_by_label("Province or region").select_option("punjab")
    page.get_by_role("button", name="Join the hearing").click()
    expect(page.get_by_role("heading", name="The sections discussed today")).to_be_visible()


def test_a_comment_sent_offline_lands_once_when_back_online(
    page: Page, live_server: str, live_app: Flask, open_hearing
):
    hearing_id, code = open_hearing
    join(page, live_server, code)
    page.get_by_role("link", name=NC_TITLE).click()
    page.get_by_label("Your comment", exact=True).fill("Sent from the back row.")

    page.context.set_offline(True)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#offline-status")).to_have_text(SAVED)
    assert hall_comments(live_app) == []
    kept = page.evaluate("localStorage.getItem('consult:hearing-outbox')")
    assert "Sent+from+the+back+row." in kept and "csrf_token" in kept

    page.context.set_offline(False)
    expect(page.locator("#offline-status")).to_have_text("Sent.")
    assert hall_comments(live_app) == [("Sent from the back row.", "hearing", hearing_id)]
    assert page.evaluate("localStorage.getItem('consult:hearing-outbox')") == "[]"

    # The page comes back (the script resends nothing twice: the key was spent once).
    page.reload()
    expect(page.get_by_role("status").first).to_be_visible()
    page.wait_for_timeout(300)
    assert len(hall_comments(live_app)) == 1


def test_online_the_script_posts_and_shows_the_thanks(
    page: Page, live_server: str, live_app: Flask, open_hearing
):
    _hearing_id, code = open_hearing
    join(page, live_server, code)
    page.get_by_role("link", name=NC_TITLE).click()
    page.get_by_label("Your comment", exact=True).fill("Online from the hall.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Thank you: your comment is in the record.")).to_be_visible()
    # An error is shown the usual way, with what was typed.
    page.get_by_label("Your comment", exact=True).fill("   ")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Please correct the errors below.")).to_be_visible()
    assert len(hall_comments(live_app)) == 1


def test_without_javascript_the_hall_forms_still_work(
    browser: Browser, live_server: str, live_app: Flask, open_hearing
):
    _hearing_id, code = open_hearing
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(5_000)
    page = context.new_page()
    try:
        join(page, live_server, code)
        page.get_by_role("link", name=NC_TITLE).click()
        page.get_by_label("Your comment", exact=True).fill("No script on this phone.")
        page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_text("Thank you: your comment is in the record.")).to_be_visible()
    finally:
        context.close()
    assert [c[0] for c in hall_comments(live_app)] == ["No script on this phone."]
