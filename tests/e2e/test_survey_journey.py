"""Answering a section's survey in the browser: validation keeps every answer, a second
submission revises the response, ranking and conditional questions, with and without
JavaScript, on a phone-sized screen. CSRF is on throughout."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlalchemy import func, select

from consult.extensions import db
from consult.surveys import queries, services
from consult.surveys.definitions import QuestionDef
from consult.surveys.models import Answer, Question, Survey, SurveyResponse, SurveyResponseRevision
from tests.e2e.axe import BLOCKING, axe_violations, describe_violations
from tests.e2e.conftest import log_in
from tests.factories import DEFAULT_PASSWORD, section_of

pytestmark = pytest.mark.e2e

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"
SURVEY = SECTION + "/survey"
PHONE = {"width": 360, "height": 740}
SAVED = "Thank you. Your answers are saved."
UPDATED = "Your answers are updated."
NEEDS_ATTENTION = "Some answers need your attention."


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def stored(live_app: Flask) -> Callable[[], dict[str, Any]]:
    """What the database holds for the National Cohesion survey, read in the live app."""

    def read() -> dict[str, Any]:
        with live_app.app_context():
            survey = _cohesion_survey()
            responses = list(
                db.session.scalars(
                    select(SurveyResponse)
                    .where(SurveyResponse.survey_id == survey.id)
                    .order_by(SurveyResponse.id)
                )
            )
            state = {
                "responses": len(responses),
                "versions": [r.version for r in responses],
                "answers": [r.answers for r in responses],
                "revisions": db.session.scalar(
                    select(func.count(SurveyResponseRevision.id)).where(
                        SurveyResponseRevision.response_id.in_([r.id for r in responses])
                    )
                ),
                "answer_rows": db.session.scalar(
                    select(func.count(Answer.id)).where(
                        Answer.response_id.in_([r.id for r in responses])
                    )
                ),
            }
            db.session.remove()
        return state

    return read


@pytest.fixture
def conditional_survey(live_app: Flask) -> None:
    """Add "attended" (yes/no) and "hearing_notes" (only if yes) to the National Cohesion
    survey, through the same service the loader and the builder use."""
    with live_app.app_context():
        survey = _cohesion_survey()
        assert queries.count_responses(survey.id) == 0
        changes: list[str] = []
        position = len(survey.questions)
        for qdef in (
            QuestionDef(
                key="attended",
                type="single",
                prompt={"en": "Did you attend a public hearing on this section?"},
                help=None,
                required=False,
                config={
                    "options": [
                        {"key": "yes", "label": {"en": "Yes"}},
                        {"key": "no", "label": {"en": "No"}},
                    ]
                },
                condition=None,
            ),
            QuestionDef(
                key="hearing_notes",
                type="text",
                prompt={"en": "What did you hear at the hearing?"},
                help=None,
                required=False,
                config={"max_length": 500},
                condition={"question": "attended", "equals": "yes"},
            ),
        ):
            position += 1
            services.apply_question(survey, qdef, position, False, changes)
        db.session.commit()
        keys = db.session.scalars(
            select(Question.key).where(Question.survey_id == survey.id).order_by(Question.position)
        ).all()
        assert keys == ["ratings", "priorities", "missing", "attended", "hearing_notes"]
        db.session.remove()


def _cohesion_survey() -> Survey:
    survey = db.session.scalar(select(Survey).where(Survey.section_id == section_of().id))
    assert survey is not None
    return survey


def new_page(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(**options)
    context.set_default_timeout(5_000)
    context.set_default_navigation_timeout(10_000)
    return context, context.new_page()


def open_survey_from_section(page: Page, live_server: str) -> None:
    page.goto(live_server + SECTION)
    page.get_by_role("link", name="Answer the short survey on this section").click()
    expect(page).to_have_url(live_server + SURVEY)
    expect(page.get_by_role("heading", level=1)).to_have_text("National Cohesion: your views")


def rating(page: Page, objective: str, value: int | str) -> Locator:
    """The radio button for `value` (1–5 or "no opinion") in an objective's ratings row."""
    names = {
        1: "1 strongly disagree",
        2: "2 disagree",
        3: "3 neither agree nor disagree",
        4: "4 agree",
        5: "5 strongly agree",
        "no opinion": "No opinion",
    }
    row = page.locator(f"#q-ratings-{objective}")
    return row.get_by_role("radio", name=names[value], exact=True)


def place(page: Page, objective: str) -> Locator:
    """The select giving an objective its place in the "priorities" ranking."""
    return page.get_by_role("combobox", name=re.compile(rf"^{re.escape(objective)}\b"))


def missing_text(page: Page) -> Locator:
    return page.get_by_role("textbox", name="What is missing from this section?")


def ratings_table_row(page: Page, objective: str) -> Locator:
    results = page.get_by_role("region", name="Results so far")
    table = results.get_by_role("table", name="How far do you agree with each objective")
    return table.locator("tbody tr").filter(has=page.locator(f'th:text-is("{objective}")'))


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], (
        f"{page.url} is {width}px wide in a {viewport['width']}px viewport"
    )


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {page.url}:\n{describe_violations(blocking)}"


def fill_first_try(page: Page) -> None:
    """Rate two of the three objectives, rank all three and write a text."""
    rating(page, "NC-1", 4).check()
    rating(page, "NC-2", "no opinion").check()
    place(page, "NC-1").select_option("2")
    place(page, "NC-2").select_option("3")
    place(page, "NC-3").select_option("1")
    missing_text(page).fill("More hearings outside the big cities.")


def expect_first_try_kept(page: Page) -> None:
    expect(rating(page, "NC-1", 4)).to_be_checked()
    expect(rating(page, "NC-2", "no opinion")).to_be_checked()
    expect(page.locator("#q-ratings-NC-3").get_by_role("radio", checked=True)).to_have_count(0)
    expect(place(page, "NC-1")).to_have_value("2")
    expect(place(page, "NC-2")).to_have_value("3")
    expect(place(page, "NC-3")).to_have_value("1")
    expect(missing_text(page)).to_have_value("More hearings outside the big cities.")


def expect_ratings_error(page: Page) -> None:
    summary = page.get_by_role("alert").filter(has_text=NEEDS_ATTENTION)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Rate every item (2 of 3 done).")).to_have_attribute(
        "href", "#q-ratings"
    )
    ratings = page.locator("#q-ratings")
    expect(ratings).to_have_class(re.compile(r"\bfield--error\b"))
    expect(ratings.locator(".error")).to_have_text("Rate every item (2 of 3 done).")
    expect(ratings.locator(".error")).to_be_visible()
    # No other question is flagged.
    expect(page.locator("fieldset.field--error")).to_have_count(1)


# --- tests ---------------------------------------------------------------------------------


def test_answer_fix_and_revise_on_a_phone(page: Page, live_server: str, make_account, stored):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, make_account("Parveen Phone"))
    open_survey_from_section(page, live_server)
    expect(page.get_by_role("region", name="Results so far")).to_have_count(0)  # not before
    assert_no_sideways_scroll(page)

    # One ratings row left out: the error shows beside the question, nothing is lost.
    fill_first_try(page)
    page.get_by_role("button", name="Send my answers").click()
    expect_ratings_error(page)
    expect_first_try_kept(page)
    assert stored()["responses"] == 0
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    # Completed: saved, and the results show this one response.
    rating(page, "NC-3", 5).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_have_text(SAVED)
    expect(page).to_have_url(live_server + SURVEY)
    expect(page.locator(".notice").filter(has_text="You answered on ")).to_be_visible()
    results = page.get_by_role("region", name="Results so far")
    expect(results.get_by_text("1 response.", exact=True)).to_be_visible()
    expect(ratings_table_row(page, "NC-1").locator("td")).to_have_text(
        ["0", "0", "0", "1", "0", "0", "4.0"]
    )
    expect(ratings_table_row(page, "NC-2").locator("td")).to_have_text(
        ["0", "0", "0", "0", "0", "1", "–"]
    )
    expect(ratings_table_row(page, "NC-3").locator("td")).to_have_text(
        ["0", "0", "0", "0", "1", "0", "5.0"]
    )
    expect(results.get_by_text("1 written answer.", exact=True)).to_be_visible()
    # The form shows the stored answers, ready to change.
    expect(rating(page, "NC-1", 4)).to_be_checked()
    expect(rating(page, "NC-3", 5)).to_be_checked()
    expect(place(page, "NC-3")).to_have_value("1")
    expect(missing_text(page)).to_have_value("More hearings outside the big cities.")
    assert_no_sideways_scroll(page)
    first = stored()
    assert first["responses"] == 1
    assert first["answers"] == [
        {
            "ratings": {"NC-1": 4, "NC-2": "no-opinion", "NC-3": 5},
            "priorities": ["NC-3", "NC-1", "NC-2"],
            "missing": "More hearings outside the big cities.",
        }
    ]

    # Changing one rating revises the same response.
    rating(page, "NC-1", 2).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text(UPDATED)
    expect(rating(page, "NC-1", 2)).to_be_checked()
    results = page.get_by_role("region", name="Results so far")
    expect(results.get_by_text("1 response.", exact=True)).to_be_visible()
    expect(ratings_table_row(page, "NC-1").locator("td")).to_have_text(
        ["0", "1", "0", "0", "0", "0", "2.0"]
    )
    after = stored()
    assert after["responses"] == 1
    assert after["versions"] == [2]
    assert after["revisions"] == 1
    assert after["answers"][0]["ratings"] == {"NC-1": 2, "NC-2": "no-opinion", "NC-3": 5}
    assert after["answer_rows"] == first["answer_rows"] == 3 + 3 + 1

    # The page with its results table is accessible too (checked last, so that a failure
    # here does not hide the journey checks above).
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_answering_works_without_javascript(browser: Browser, live_server, make_account, stored):
    context, page = new_page(browser, java_script_enabled=False, viewport=PHONE)
    try:
        log_in(page, live_server, make_account("Nadia NoScript"))
        open_survey_from_section(page, live_server)

        fill_first_try(page)
        page.get_by_role("button", name="Send my answers").click()
        expect_ratings_error(page)
        expect_first_try_kept(page)
        assert stored()["responses"] == 0

        rating(page, "NC-3", 3).check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("status")).to_have_text(SAVED)
        results = page.get_by_role("region", name="Results so far")
        expect(results.get_by_text("1 response.", exact=True)).to_be_visible()
        expect(rating(page, "NC-3", 3)).to_be_checked()

        # A change after an invalid attempt: the error shows, the stored answer stays.
        place(page, "NC-1").select_option("")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator("#q-priorities .error")).to_have_text("Rank all 3 items.")
        expect(place(page, "NC-1")).to_have_value("")
        expect(place(page, "NC-3")).to_have_value("1")
        expect(rating(page, "NC-3", 3)).to_be_checked()
        assert stored()["versions"] == [1]
    finally:
        context.close()


def test_a_place_used_twice_is_refused(page: Page, live_server, make_account, stored):
    log_in(page, live_server, make_account("Rashid Ranker"))
    page.goto(live_server + SURVEY)
    for objective, value in (("NC-1", 5), ("NC-2", 4), ("NC-3", 3)):
        rating(page, objective, value).check()
    place(page, "NC-1").select_option("1")
    place(page, "NC-2").select_option("1")
    place(page, "NC-3").select_option("2")
    page.get_by_role("button", name="Send my answers").click()

    message = "Each place in the order can be used only once."
    summary = page.get_by_role("alert").filter(has_text=NEEDS_ATTENTION)
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#q-priorities")
    expect(page.locator("#q-priorities .error")).to_have_text(message)
    expect(page.locator("fieldset.field--error")).to_have_count(1)
    expect(place(page, "NC-1")).to_have_value("1")
    expect(place(page, "NC-2")).to_have_value("1")
    expect(rating(page, "NC-3", 3)).to_be_checked()
    # Nothing is saved: still a first answer, no results, nothing in the database.
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
    expect(page.get_by_text("You answered on ")).to_have_count(0)
    expect(page.get_by_role("region", name="Results so far")).to_have_count(0)
    assert stored() == {
        "responses": 0,
        "versions": [],
        "answers": [],
        "revisions": 0,
        "answer_rows": 0,
    }


def answer_ratings(page: Page) -> None:
    for objective in ("NC-1", "NC-2", "NC-3"):
        rating(page, objective, 4).check()


def test_conditional_question_with_and_without_javascript(
    page: Page, browser: Browser, live_server, make_account, stored, conditional_survey
):
    # Without JavaScript: the follow-up always shows, with a note, and the server checks it.
    context, nojs = new_page(browser, java_script_enabled=False)
    try:
        log_in(nojs, live_server, make_account("Omar NoScript"))
        nojs.goto(live_server + SURVEY)
        notes_group = nojs.locator("#q-hearing_notes")
        expect(notes_group).to_be_visible()
        expect(notes_group.locator(".condition")).to_have_text(
            "Answer only if your answer to “Did you attend a public hearing on this section?” "
            "was “Yes”."
        )
        answer_ratings(nojs)
        attended = nojs.get_by_role("group", name="Did you attend a public hearing")
        attended.get_by_role("radio", name="No", exact=True).check()
        notes = nojs.get_by_role("textbox", name="What did you hear at the hearing?")
        notes.fill("I was not there, but I heard about it.")
        nojs.get_by_role("button", name="Send my answers").click()
        error = "Leave this empty: it applies only with another answer."
        expect(notes_group.locator(".error")).to_have_text(error)
        expect(nojs.locator("fieldset.field--error")).to_have_count(1)
        expect(notes).to_have_value("I was not there, but I heard about it.")
        expect(attended.get_by_role("radio", name="No", exact=True)).to_be_checked()
        expect(rating(nojs, "NC-2", 4)).to_be_checked()
        assert stored()["responses"] == 0

        notes.fill("")
        nojs.get_by_role("button", name="Send my answers").click()
        expect(nojs.get_by_role("status")).to_have_text(SAVED)
        assert stored()["answers"] == [
            {"ratings": {"NC-1": 4, "NC-2": 4, "NC-3": 4}, "attended": "no"}
        ]
    finally:
        context.close()

    # With JavaScript: the follow-up shows only after "Yes", and is not sent after "No".
    log_in(page, live_server, make_account("Jamila Script"))
    page.goto(live_server + SURVEY)
    attended = page.get_by_role("group", name="Did you attend a public hearing")
    notes_group = page.locator("#q-hearing_notes")
    notes = page.get_by_role("textbox", name="What did you hear at the hearing?")
    expect(attended).to_be_visible()
    expect(notes_group).to_be_hidden()
    attended.get_by_role("radio", name="Yes", exact=True).check()
    expect(notes_group).to_be_visible()
    notes.fill("They promised a follow-up.")
    attended.get_by_role("radio", name="No", exact=True).check()
    expect(notes_group).to_be_hidden()
    answer_ratings(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_have_text(SAVED)
    assert stored()["answers"][1] == {
        "ratings": {"NC-1": 4, "NC-2": 4, "NC-3": 4},
        "attended": "no",
    }
    expect(notes_group).to_be_hidden()

    # ... and with "Yes" the follow-up is saved.
    attended.get_by_role("radio", name="Yes", exact=True).check()
    expect(notes).to_have_value("")
    notes.fill("They promised a follow-up.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text(UPDATED)
    expect(notes).to_be_visible()
    expect(notes).to_have_value("They promised a follow-up.")
    assert stored()["answers"][1]["hearing_notes"] == "They promised a follow-up."


def test_visitor_reads_the_questions_and_is_asked_to_log_in(
    page: Page, live_server, make_account, stored
):
    page.goto(live_server + SURVEY)
    expect(page.get_by_role("heading", level=1)).to_have_text("National Cohesion: your views")
    for prompt in (
        "How far do you agree with each objective of this section?",
        "Put the objectives of this section in order of priority.",
        "What is missing from this section?",
    ):
        expect(page.get_by_role("group", name=re.compile(re.escape(prompt)))).to_be_visible()
    notice = page.locator(".notice").filter(has_text="to answer")
    expect(notice).to_have_text(
        "Log in or create an account to answer. You can read the questions first."
    )
    expect(page.locator("form.survey").get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("region", name="Results so far")).to_have_count(0)

    # "Log in" brings the visitor back to the survey.
    email = make_account("Vera Visitor")
    notice.get_by_role("link", name="Log in").click()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server + SURVEY)
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
    assert stored()["responses"] == 0
