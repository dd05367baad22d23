"""A moderator clears a queue of ten reported comments with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consult.comments import services as comments
from consult.extensions import db
from tests.e2e.conftest import log_in
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.e2e


def _focused(page: Page) -> dict:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, type: document.activeElement.type,"
        " name: document.activeElement.name, text: document.activeElement.textContent})"
    )


def test_moderator_clears_a_queue_of_ten_with_the_keyboard(page: Page, live_server, live_app):
    with live_app.app_context():
        make_user(email="desk@example.org", name="Desk Moderator", role="moderator")
        for i in range(10):
            comment = make_comment(body=f"Buy now number {i}", user=make_user())
            comments.flag_comment(make_user(), comment, "spam", "advert")
        db.session.commit()
    log_in(page, live_server, "desk@example.org")
    page.goto(live_server + "/moderation/")
    expect(page.get_by_role("heading", name="10 comments waiting")).to_be_visible()

    ticked = 0
    for _ in range(200):  # Tab through the page, ticking every comment's box
        page.keyboard.press("Tab")
        focus = _focused(page)
        if focus["type"] == "checkbox" and focus["name"] == "ids":
            page.keyboard.press("Space")
            ticked += 1
        if focus["name"] == "action":
            break
    assert ticked == 10
    expect(page.locator("input[name=ids]:checked")).to_have_count(10)

    # The action select has focus: choose "Hide it, with a reason" by typing its first letter.
    page.keyboard.type("H")
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "reason"
    page.keyboard.type("S")  # Spam
    expect(page.get_by_label("Action", exact=True)).to_have_value("hide")
    expect(page.get_by_label("Reason", exact=True)).to_have_value("spam")
    page.keyboard.press("Tab")  # the private note
    page.keyboard.type("Ten copies of the same advert")
    page.keyboard.press("Tab")
    assert _focused(page)["text"].strip() == "Apply"
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("10 comments: Hidden.")
    expect(page.get_by_text("Nothing is waiting. Thank you.")).to_be_visible()
    page.goto(live_server + "/moderation/log")
    expect(page.get_by_text("10 entries")).to_be_visible()
