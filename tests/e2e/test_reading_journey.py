"""A reader finds the policy, reads a section, links to an objective and switches language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

POLICY = "/policies/nsp-2022-2026"
SECTIONS = POLICY + "/sections/"


def test_reader_goes_from_home_to_an_objective_and_between_sections(page: Page, live_server):
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("^Policies open for your views"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Policies open for your views")

    page.get_by_role("link", name="National Security Policy of Pakistan 2022-2026").click()
    expect(page).to_have_url(live_server + POLICY)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "National Security Policy of Pakistan 2022-2026"
    )
    expect(page.get_by_text("Sections: 6. Objectives: 28.")).to_be_visible()

    page.locator(".section-list").get_by_role("link", name="Human Security").click()
    expect(page).to_have_url(live_server + SECTIONS + "human-security")
    expect(page.get_by_role("heading", level=1)).to_have_text("Human Security")
    expect(page.get_by_text("Section 6 of 6")).to_be_visible()
    toc = page.get_by_role("navigation", name="Sections")
    expect(toc.get_by_role("link", name="Human Security")).to_have_attribute("aria-current", "page")

    # The objective key is a permalink: it puts the fragment in the URL and targets the item.
    page.get_by_role("link", name="Link to objective HS-3").click()
    expect(page).to_have_url(live_server + SECTIONS + "human-security#HS-3")
    objective = page.locator("#HS-3")
    assert page.evaluate("() => location.hash") == "#HS-3"
    assert objective.evaluate("el => el.matches(':target')")
    expect(objective).to_be_in_viewport()
    expect(page.locator(":target")).to_have_count(1)

    # The last section has only a "previous" link.
    pager = page.get_by_role("navigation", name="Previous and next section")
    expect(pager.locator("a[rel=next]")).to_have_count(0)
    pager.get_by_role("link", name="Previous: Foreign Policy in a Changing World").click()
    expect(page).to_have_url(live_server + SECTIONS + "foreign-policy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Foreign Policy in a Changing World")
    expect(page.get_by_text("Section 5 of 6")).to_be_visible()

    pager = page.get_by_role("navigation", name="Previous and next section")
    expect(
        pager.get_by_role("link", name=re.compile("^Previous: Internal Security"))
    ).to_be_visible()
    pager.get_by_role("link", name=re.compile("^Next: Human Security")).click()
    expect(page).to_have_url(live_server + SECTIONS + "human-security")
    expect(page.get_by_role("heading", level=1)).to_have_text("Human Security")


def test_reader_switches_to_urdu_and_back(page: Page, live_server):
    page.goto(live_server + SECTIONS + "human-security")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")

    languages = page.get_by_role("navigation", name="Language")
    languages.get_by_role("link", name="اردو").click()
    # Back on the same page, now right to left.
    expect(page).to_have_url(live_server + SECTIONS + "human-security")
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("#HS-3")).to_be_visible()
    # The current language is marked, not linked; English is now the link.
    languages = page.locator(".lang-switch")
    expect(languages.locator("[aria-current=true]")).to_have_text("اردو")
    expect(languages.get_by_role("link", name="اردو")).to_have_count(0)

    # The choice is remembered from page to page.
    page.locator(".breadcrumbs a").first.click()
    expect(page).to_have_url(live_server + "/")
    expect(html).to_have_attribute("dir", "rtl")

    languages.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server + "/")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(languages.locator("[aria-current=true]")).to_have_text("English")
