"""A participant registers, confirms by mail, logs out and in again, and makes an API token.

CSRF is on; the confirmation link is read from the live app's outbox.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Playwright, expect

from consult.core.mail import outbox

pytestmark = pytest.mark.e2e

EMAIL = "amina@example.org"
NAME = "Amina K."
PASSWORD = "a long enough passphrase"


def register(page: Page, live_server: str, live_app) -> None:
    page.goto(live_server + "/auth/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Display name", exact=True).fill(NAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password", exact=True).fill(PASSWORD)
    page.get_by_label("Province or region", exact=True).select_option(label="Sindh")
    page.get_by_label("I am taking part as", exact=True).select_option(label="Student")
    page.get_by_label("Age", exact=True).select_option(label="25 to 34")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(live_server + "/auth/register/sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    with live_app.app_context():
        [mail] = outbox()
    path = re.search(r"https?://[^/\s]+(/auth/confirm/\S+)", mail.body).group(1)
    page.goto(live_server + path)
    page.get_by_role("button", name="Confirm my account").click()


def test_register_log_out_and_log_back_in(page: Page, live_server, live_app):
    register(page, live_server, live_app)
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("status")).to_have_text(
        f"Your email address is confirmed. Welcome, {NAME}."
    )
    header = page.get_by_role("navigation", name="Main")
    expect(header.get_by_role("link", name="Your account")).to_be_visible()

    header.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    expect(header.get_by_role("link", name="Your account")).to_have_count(0)
    expect(header.get_by_role("link", name="Log in")).to_be_visible()

    # A wrong password is refused with a message, and nothing is logged in.
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is not right.")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Policies open for your views")
    expect(header.get_by_role("link", name="Your account")).to_be_visible()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()

    # The optional profile answers given at registration were kept.
    header.get_by_role("link", name="Your account").click()
    expect(page).to_have_url(live_server + "/account")
    expect(page.get_by_text(f"Logged in as {EMAIL} (Citizen).")).to_be_visible()
    expect(page.get_by_label("Province or region", exact=True)).to_have_value("sindh")
    expect(page.get_by_label("I am taking part as", exact=True)).to_have_value("student")
    expect(page.get_by_label("Gender", exact=True)).to_have_value("undisclosed")
    expect(page.get_by_label("Age", exact=True)).to_have_value("25-34")


def test_api_token_is_shown_once_and_works(
    page: Page, live_server, live_app, playwright: Playwright
):
    register(page, live_server, live_app)
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed.")

    page.goto(live_server + "/account")
    tokens = page.get_by_role("region", name="API tokens")
    expect(tokens.get_by_text("You have no API tokens.")).to_be_visible()
    tokens.get_by_label("Token name", exact=True).fill("analysis script")
    tokens.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    field = page.get_by_label("Token “analysis script”", exact=True)
    expect(field).to_have_value(re.compile(r"^cst_[A-Za-z0-9_-]{40,}$"))
    expect(field).to_have_attribute("readonly", "")
    plaintext = field.input_value()

    # The token works as a Bearer token, from a client without the browser's cookies.
    api = playwright.request.new_context(base_url=live_server)
    try:
        me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"})
        assert me.status == 200, me.text()
        assert me.json() == {"display_name": NAME, "role": "citizen"}
        assert api.get("/api/v1/me").status == 401
    finally:
        api.dispose()

    # Back on the account page only its first characters are listed, never the whole token.
    page.get_by_role("link", name="Back to your account").click()
    expect(page).to_have_url(live_server + "/account")
    tokens = page.get_by_role("region", name="API tokens")
    row = tokens.get_by_role("row", name=re.compile("analysis script"))
    expect(row).to_contain_text(plaintext[:10] + "…")
    assert plaintext not in page.content()
    expect(row.get_by_role("button", name="Revoke token analysis script")).to_be_visible()
