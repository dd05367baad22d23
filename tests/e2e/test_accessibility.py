"""axe-core finds no serious or critical WCAG 2.2 AA problem, and small screens do not scroll
sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from consult.core.mail import outbox
from consult.extensions import db
from tests.e2e.axe import BLOCKING, axe_violations, describe_violations
from tests.e2e.conftest import log_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e

SECTION = "/policies/nsp-2022-2026/sections/human-security"

PAGES = {
    "home": ("/", "en"),
    "overview": ("/policies/nsp-2022-2026", "en"),
    "section": (SECTION, "en"),
    "login": ("/auth/login", "en"),
    "register": ("/auth/register", "en"),
    "section-ur": (SECTION, "ur"),
    "transparency": ("/transparency", "en"),
    "transparency-ur": ("/transparency", "ur"),
}


def open_page(page: Page, live_server: str, path: str, language: str = "en") -> None:
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    response = page.goto(live_server + path)
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")


def assert_accessible(page: Page) -> None:
    """No serious or critical axe violation, and no attribute rendered from a Python None."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    assert not blocking, (
        f"axe-core on {page.url}:\n{describe_violations(blocking)}\n"
        f"also (minor/moderate):\n{describe_violations(others) or '(none)'}"
    )
    none_attributes = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el =>
            [...el.attributes].filter(a => a.value === 'None')
              .map(a => `${el.tagName.toLowerCase()}#${el.id} ${a.name}="None"`))"""
    )
    assert not none_attributes, f"attributes rendered from None on {page.url}: {none_attributes}"


@pytest.mark.parametrize(("path", "language"), PAGES.values(), ids=PAGES.keys())
def test_page_has_no_serious_axe_violations(page: Page, live_server, path, language):
    open_page(page, live_server, path, language)
    assert_accessible(page)


def test_register_form_with_errors_is_accessible(page: Page, live_server):
    open_page(page, live_server, "/auth/register")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text("Please correct the errors below.")
    email = page.get_by_label("Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "email-error")
    expect(page.locator("#email-error")).to_be_visible()
    # The hint and the error are both announced with the password field.
    expect(page.get_by_label("Password", exact=True)).to_have_attribute(
        "aria-describedby", "password-hint password-error"
    )
    assert_accessible(page)


def test_sign_up_pages_are_accessible(page: Page, live_server, live_app):
    open_page(page, live_server, "/auth/register")
    page.get_by_label("Email", exact=True).fill("axe@example.org")
    page.get_by_label("Display name", exact=True).fill("Axe")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Repeat password", exact=True).fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    with live_app.app_context():
        link = re.search(r"https?://[^/\s]+(/auth/confirm/\S+)", outbox()[0].body).group(1)
    open_page(page, live_server, link)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_people_page_for_admins_is_accessible(page: Page, live_server, live_app, language):
    with live_app.app_context():
        make_user(email="admin-axe@example.org", name="Admin Axe", role="admin")
        make_user(email="zainab@example.org", name="زینب قریشی")
        db.session.commit()
    log_in(page, live_server, "admin-axe@example.org")
    open_page(page, live_server, "/admin/users/", language)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_moderation_queue_is_accessible(page: Page, live_server, live_app, language):
    from consult.comments import services as comments
    from consult.moderation import curation
    from consult.policy.models import Policy
    from tests.factories import make_comment

    with live_app.app_context():
        moderator = make_user(email="mod-axe@example.org", name="Mod Axe", role="moderator")
        parent = make_comment(body="The point being answered")
        reply = make_comment(body="A reported reply", parent_id=parent.id)
        comments.flag_comment(make_user(), reply, "abuse", "name-calling")
        policy = db.session.scalar(db.select(Policy))
        theme = curation.create_theme(moderator, policy, "Cohesion", "Unity, identity")
        retired = curation.create_theme(moderator, policy, "Old theme")
        curation.retire_theme(moderator, retired)
        curation.tag_comments(moderator, [reply.id], add=[theme.id])
        curation.add_note(moderator, reply, "Seen this wording before")
        letter = "Please withdraw the proposed changes to the curriculum until teachers are heard."
        copies = [make_comment(body=letter), make_comment(body=letter.upper())]
        from consult.moderation.models import CampaignSignature

        group_id = db.session.get(CampaignSignature, copies[1].id).group_id
        reply_id = reply.id
        db.session.commit()
    log_in(page, live_server, "mod-axe@example.org")
    for path in (
        "/moderation/",
        "/moderation/log",
        "/moderation/themes",
        "/moderation/campaigns",
        f"/moderation/campaigns/{group_id}",
    ):
        open_page(page, live_server, path, language)
        assert_accessible(page)
    open_page(page, live_server, f"/moderation/comments/{reply_id}", language)
    assert_accessible(page)


def test_account_and_token_pages_are_accessible(page: Page, live_server, make_account):
    log_in(page, live_server, make_account("Axe"))
    open_page(page, live_server, "/account")
    assert_accessible(page)

    page.get_by_label("Token name", exact=True).fill("axe")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    assert_accessible(page)
    page.get_by_role("link", name="Back to your account").click()
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_section_page_does_not_scroll_sideways_on_a_phone(page: Page, live_server, language):
    page.set_viewport_size({"width": 360, "height": 740})
    open_page(page, live_server, SECTION, language)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide in a 360px viewport"


@pytest.mark.parametrize("language", ["en", "ur"])
def test_hearing_participant_pages_are_accessible(page: Page, live_server, live_app, language):
    from tests.factories import make_hearing

    with live_app.app_context():
        facilitator = make_user(email="hall-axe@example.org", name="Hall Axe", role="facilitator")
        hearing = make_hearing(facilitator, status="open", title="Hearing at NED University")
        code, hearing_id = hearing.join_code, hearing.id
        db.session.commit()
    for path in ("/join", "/join?code=nope", f"/join/{code}"):
        page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page.goto(live_server + path)
        assert_accessible(page)
    page.locator("form[data-offline] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/join/{code}/take-part")
    base = f"/join/{code}/sections/national-cohesion"
    for path in (f"/join/{code}/take-part", base, base + "/survey"):
        open_page(page, live_server, path, language)
        assert_accessible(page)
    page.locator("form.survey button[type=submit]").click()  # the required matrix is empty
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    # The projector, for the hearing's facilitator (who logs in in English).
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(page, live_server, "hall-axe@example.org")
    open_page(page, live_server, f"/hearings/{hearing_id}/projector", language)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_report_page_is_accessible(page: Page, live_server, live_app, language):
    """The report with every part filled in: heatmaps (filled, empty and suppressed cells),
    representativeness, a held hearing, themes with their top comments."""
    from sqlalchemy import update

    from consult.hearings.models import Hearing
    from consult.moderation import curation
    from consult.policy.models import Policy
    from consult.surveys import services as surveys
    from tests.factories import make_comment, make_hearing, section_of, survey_of

    with live_app.app_context():
        moderator = make_user(email="report-axe@example.org", name="Report Axe", role="moderator")
        policy = db.session.scalar(db.select(Policy))
        raters = [make_user(province="punjab", stakeholder_group="citizen") for _ in range(6)]
        raters += [make_user(province="sindh", stakeholder_group="student")]
        for i, user in enumerate(raters):
            ratings = {"NC-1": 1 + i % 5, "NC-2": 5 - i % 5, "NC-3": 3}
            surveys.submit_response(survey_of(), user.participant, {"ratings": ratings})
        hearing = make_hearing(status="closed", title="Hearing at NED University")
        db.session.execute(update(Hearing).where(Hearing.id == hearing.id).values(attendance=30))
        theme = curation.create_theme(moderator, policy, "Cohesion")
        said = [
            make_comment(u, section_of(), f"A view on cohesion {i}") for i, u in enumerate(raters)
        ]
        curation.tag_comments(moderator, [c.id for c in said], add=[theme.id])
        db.session.commit()
    log_in(page, live_server, "report-axe@example.org")
    open_page(page, live_server, "/policies/nsp-2022-2026/report", language)
    assert_accessible(page)
