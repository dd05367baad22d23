"""Commenting in the browser: post on an objective, reply, agree, report, edit, withdraw;
hostile Markdown stays inert; the forms work without JavaScript. CSRF is on throughout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"
PUBLISHED = "Thank you. Your comment is published."


def new_page(browser: Browser, **options) -> tuple[BrowserContext, Page]:
    context = browser.new_context(**options)
    context.set_default_timeout(5_000)
    context.set_default_navigation_timeout(10_000)
    return context, context.new_page()


def comment_id_from_url(page: Page) -> int:
    match = re.search(r"#comment-(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def post_comment(page: Page, live_server: str, body: str, about: str | None = None) -> Locator:
    """Post through the section page's form; returns the published comment's article."""
    if about:
        page.goto(live_server + SECTION)
        page.get_by_role("link", name=f"Comment on this objective ({about})").click()
        expect(page).to_have_url(live_server + SECTION + f"?about={about}#comment-form")
        expect(page.get_by_label("About", exact=True)).to_have_value(about)
    else:
        page.goto(live_server + SECTION + "#comment-form")
    page.get_by_label("Your comment", exact=True).fill(body)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_have_text(PUBLISHED)
    return page.locator(f"#comment-{comment_id_from_url(page)}")


def test_comment_reply_agree_report_edit_and_withdraw(
    page: Page, browser: Browser, live_server: str, make_account
):
    author_email = make_account("Amina Author")
    reader_email = make_account("Bilal Reader")

    # The author comments on objective NC-2, with Markdown.
    log_in(page, live_server, author_email)
    comment = post_comment(
        page,
        live_server,
        "I **strongly** support this.\n\n- more schools\n- more *teachers*",
        about="NC-2",
    )
    comment_id = comment.get_attribute("id")
    expect(comment.locator(".author")).to_have_text("Amina Author")
    badge = comment.locator("a.badge--key")
    expect(badge).to_have_text("NC-2")
    expect(badge).to_have_attribute("href", "#NC-2")
    body = comment.locator(".comment-body")
    expect(body.locator("strong")).to_have_text("strongly")
    expect(body.locator("li")).to_have_text(["more schools", "more teachers"])
    expect(body.locator("em")).to_have_text("teachers")
    expect(page.locator("#comments")).to_have_text("1 comment")
    # Authors cannot endorse or report their own comment.
    expect(comment.get_by_role("button", name=re.compile("^Agree"))).to_have_count(0)
    expect(comment.get_by_role("link", name="Report")).to_have_count(0)

    # A second participant replies through the Reply link.
    reader_context, reader = new_page(browser)
    try:
        log_in(reader, live_server, reader_email)
        reader.goto(live_server + SECTION)
        theirs = reader.locator(f"#{comment_id}")
        theirs.get_by_role("link", name="Reply").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text("Reply to Amina Author")
        expect(reader.locator(".quoted-comment strong")).to_have_text("strongly")
        reader.get_by_label("Your reply", exact=True).fill("Agreed, and *libraries* too.")
        reader.get_by_role("button", name="Post reply").click()
        expect(reader.get_by_role("status")).to_have_text("Thank you. Your reply is published.")
        reply = reader.locator(f"#comment-{comment_id_from_url(reader)}")
        expect(reply.locator(".author")).to_have_text("Bilal Reader")
        expect(reply.locator(".comment-body em")).to_have_text("libraries")
        replies = reader.get_by_role("list", name="Replies to Amina Author")
        expect(replies.locator("article")).to_have_count(1)

        # ... agrees with it: the button is pressed and the count is 1.
        theirs = reader.locator(f"#{comment_id}")
        agree = theirs.get_by_role("button", name=re.compile("^Agree"))
        expect(agree).to_have_attribute("aria-pressed", "false")
        expect(agree.locator(".count")).to_have_text("0")
        agree.click()
        theirs = reader.locator(f"#{comment_id}")
        agree = theirs.get_by_role("button", name=re.compile("^Agree"))
        expect(agree).to_have_attribute("aria-pressed", "true")
        expect(agree.locator(".count")).to_have_text("1")
        disagree = theirs.get_by_role("button", name=re.compile("^Disagree"))
        expect(disagree).to_have_attribute("aria-pressed", "false")
        expect(disagree.locator(".count")).to_have_text("0")

        # ... and reports it: a reason is required, then a confirmation.
        theirs.get_by_role("link", name="Report").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text("Report a comment")
        reader.get_by_role("button", name="Send to moderators").click()
        expect(reader.get_by_role("alert")).to_be_visible()
        expect(reader.get_by_text("Choose a reason.")).to_be_visible()
        reader.get_by_label("Off-topic", exact=True).check()
        reader.get_by_label("Anything moderators should know (optional)").fill("Not about NC-2.")
        reader.get_by_role("button", name="Send to moderators").click()
        expect(reader.get_by_role("status")).to_have_text(
            "Thank you. The moderators have received your report."
        )
        expect(reader).to_have_url(re.compile(re.escape(SECTION) + f"#{comment_id}$"))
    finally:
        reader_context.close()

    # The author edits the comment: the new text shows, marked "edited".
    page.goto(live_server + SECTION)
    mine = page.locator(f"#{comment_id}")
    expect(mine.locator(".edited")).to_have_count(0)
    expect(mine.locator(".tally")).to_have_text("1 agree · 0 disagree")
    mine.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")
    field = page.get_by_label("Your comment", exact=True)
    expect(field).to_have_value(re.compile(r"^I \*\*strongly\*\* support this\."))
    field.fill("I **fully** support this, with more teachers.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Your comment is updated.")
    mine = page.locator(f"#{comment_id}")
    expect(mine.locator(".edited")).to_have_text("edited")
    expect(mine.locator(".comment-body strong")).to_have_text("fully")
    expect(mine.locator(".comment-body")).not_to_contain_text("strongly")
    expect(mine.locator("a.badge--key")).to_have_text("NC-2")

    # ... and withdraws it: a placeholder stays, and so does the reply.
    mine.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your comment")
    page.get_by_role("button", name="Withdraw comment").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your comment is withdrawn. Replies to it stay in place."
    )
    mine = page.locator(f"#{comment_id}")
    expect(mine.locator(".placeholder")).to_have_text("This comment was withdrawn by its author.")
    expect(mine.locator(".comment-body")).to_have_count(0)
    expect(mine.get_by_role("link", name="Edit")).to_have_count(0)
    replies = page.get_by_role("list", name="Replies to Amina Author")
    expect(replies.locator(".author")).to_have_text("Bilal Reader")
    expect(replies.locator(".comment-body")).to_have_text("Agreed, and libraries too.")


# Every payload sets window.__xss and/or opens a dialog if it ever runs.
XSS_COMMENTS = [
    "<script>window.__xss = 1; alert('script')</script> plain script tag",
    "<img src=x onerror=\"window.__xss=1;alert('img')\"> image with onerror",
    "[javascript link](javascript:window.__xss=1;alert('md'))",
    "<svg onload=\"window.__xss=1;alert('svg')\"><circle r=9 /></svg> svg onload",
    "[entity link](&#106;avascript:window.__xss=1;alert('entity'))",
    "<a href=\"javascript:window.__xss=1;alert('raw')\">raw javascript link</a>",
    "[tab link](java&#x09;script:window.__xss=1;alert('tab')) and "
    "[safe link](/policies/nsp-2022-2026)",
]


def test_hostile_comments_stay_inert_in_the_browser(
    browser: Browser, live_server: str, make_account
):
    # CSP (script-src 'self') would block inline handlers by itself: bypass it so this test
    # checks the sanitiser, not the header.
    context, page = new_page(browser, bypass_csp=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        log_in(page, live_server, make_account("Mallory"))
        for body in XSS_COMMENTS:
            post_comment(page, live_server, body)

        page.goto(live_server + SECTION)
        expect(page.locator("#comments")).to_have_text(f"{len(XSS_COMMENTS)} comments")
        bodies = page.locator("article .comment-body")
        expect(bodies).to_have_count(len(XSS_COMMENTS))
        # Raw HTML shows as text, never as elements.
        expect(bodies.locator("script, img, svg, iframe, object, embed")).to_have_count(0)
        expect(page.get_by_text("<img src=x onerror=")).to_be_visible()
        expect(page.get_by_text("<script>window.__xss = 1;")).to_be_visible()
        hrefs = bodies.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert hrefs, "the safe link should be rendered"
        assert not [h for h in hrefs if not h.startswith(live_server + "/")], hrefs
        assert page.evaluate("() => typeof window.__xss") == "undefined"

        # Hover and click every link in the comment bodies.
        for index in range(len(hrefs)):
            page.goto(live_server + SECTION)
            link = page.locator("article .comment-body a").nth(index)
            link.hover()
            link.click()
            page.wait_for_load_state()
            assert page.url.startswith(live_server + "/")
            assert page.evaluate("() => typeof window.__xss") == "undefined", page.url
        assert dialogs == []

        # The detector works: with CSP bypassed an inline handler does run here.
        page.goto(live_server + SECTION)
        page.evaluate(
            """() => { const d = document.createElement('div');
            d.innerHTML = '<img src=x onerror="window.__xss=1">';
            document.body.append(d); }"""
        )
        page.wait_for_function("() => window.__xss === 1")
    finally:
        context.close()


def test_commenting_works_without_javascript(browser: Browser, live_server: str, make_account):
    context, page = new_page(browser, java_script_enabled=False)
    try:
        log_in(page, live_server, make_account("Nadia NoScript"))
        page.goto(live_server + SECTION)
        page.get_by_role("link", name="Comment on this objective (NC-3)").click()
        expect(page.get_by_label("About", exact=True)).to_have_value("NC-3")
        page.get_by_label("Your comment", exact=True).fill("Works *without* scripts.")
        page.get_by_label("Your stance (optional)", exact=True).select_option(
            label="I have a suggestion"
        )

        # Preview is a server round trip too.
        page.get_by_role("button", name="Preview").click()
        expect(page.locator(".preview .comment-body em")).to_have_text("without")
        expect(page.get_by_label("Your comment", exact=True)).to_have_value(
            "Works *without* scripts."
        )
        expect(page.get_by_label("About", exact=True)).to_have_value("NC-3")

        page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_role("status")).to_have_text(PUBLISHED)
        comment = page.locator(f"#comment-{comment_id_from_url(page)}")
        expect(comment.locator(".comment-body em")).to_have_text("without")
        expect(comment.locator("a.badge--key")).to_have_text("NC-3")
        expect(comment.locator(".badge--suggestion")).to_be_visible()

        # An empty comment is refused with a message, without client-side validation.
        page.goto(live_server + SECTION)
        page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_text("Write a comment first.")).to_be_visible()
    finally:
        context.close()
