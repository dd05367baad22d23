"""The survey page through the test client."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.surveys.models import SurveyResponse
from tests.factories import make_question, make_user, survey_of

URL = "/policies/nsp-2022-2026/sections/national-cohesion/survey"
FULL = {
    "q.ratings.NC-1": "4",
    "q.ratings.NC-2": "no-opinion",
    "q.ratings.NC-3": "2",
    "q.priorities.NC-2": "1",
    "q.priorities.NC-1": "2",
    "q.priorities.NC-3": "3",
    "q.missing": "Say more about languages.",
}


def responses() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def test_section_page_links_to_its_survey(client, nsp):
    html = client.get("/policies/nsp-2022-2026/sections/national-cohesion").get_data(True)
    assert f'href="{URL}"' in html


def test_anonymous_reader_sees_questions_not_a_submit_button(client, nsp):
    html = client.get(URL).get_data(as_text=True)
    assert "How far do you agree with each objective of this section?" in html
    assert 'name="q.ratings.NC-1"' in html and "to answer" in html
    assert "Send my answers" not in html
    assert client.post(URL, data=FULL).headers["Location"].startswith("/auth/login")


def test_answer_then_see_results_and_change(client, nsp, login_as):
    login_as()
    response = client.post(URL, data=FULL)
    assert response.status_code == 302 and response.headers["Location"] == URL
    html = client.get(URL).get_data(as_text=True)
    assert "Thank you. Your answers are saved." in html and "You answered on" in html
    assert 'value="4" checked' in html and "Say more about languages.</textarea>" in html
    assert '<option value="1" selected>1</option>' in html
    assert "Results so far" in html and "1 response." in html
    client.post(URL, data={**FULL, "q.ratings.NC-1": "5"})
    html = client.get(URL).get_data(as_text=True)
    assert "Your answers are updated." in html and 'value="5" checked' in html
    assert responses() == 1


def test_errors_show_beside_fields_and_keep_answers(client, nsp, login_as):
    login_as()
    data = {**FULL}
    del data["q.ratings.NC-3"]
    data["q.priorities.NC-3"] = "1"  # duplicate place
    response = client.post(URL, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Each place in the order can be used only once." in html
    assert 'value="4" checked' in html and "Say more about languages.</textarea>" in html
    assert responses() == 0
    del data["q.priorities.NC-3"]
    data["q.priorities.NC-3"] = "3"
    html = client.post(URL, data=data).get_data(as_text=True)
    assert "Rate every item (2 of 3 done)." in html and 'href="#q-ratings"' in html
    assert responses() == 0


def test_results_hidden_until_answered(client, nsp, login_as):
    from consult.surveys import services

    services.submit_response(
        survey_of(), make_user().participant, {"ratings": {"NC-1": 1, "NC-2": 1, "NC-3": 1}}
    )
    db.session.commit()
    login_as()
    assert "Results so far" not in client.get(URL).get_data(as_text=True)


def test_closed_survey_is_read_only(client, nsp, login_as):
    survey_of().status = "closed"
    db.session.commit()
    login_as()
    html = client.get(URL).get_data(as_text=True)
    assert "not taking responses" in html and "Send my answers" not in html
    assert client.post(URL, data=FULL).status_code == 403
    assert responses() == 0


def test_answer_to_unmet_condition_is_an_error(client, nsp, login_as):
    survey = survey_of()
    make_question(
        survey,
        "attended",
        "single",
        options=[{"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}],
    )
    make_question(
        survey, "notes", "text", condition={"question": "attended", "equals": "yes"}, max_length=200
    )
    db.session.commit()
    login_as()
    html = client.get(URL).get_data(as_text=True)
    assert "Answer only if your answer to" in html and "“Yes”" in html
    response = client.post(URL, data={**FULL, "q.attended": "no", "q.notes": "I was there"})
    assert response.status_code == 422
    assert "Leave this empty" in response.get_data(as_text=True)
    ok = client.post(URL, data={**FULL, "q.attended": "yes", "q.notes": "I was there"})
    assert ok.status_code == 302


def test_survey_page_in_urdu_is_rtl(client, nsp):
    client.set_cookie("lang", "ur")
    assert '<html lang="ur" dir="rtl">' in client.get(URL).get_data(as_text=True)


def test_unknown_section_survey_is_404(client, nsp):
    assert client.get("/policies/nsp-2022-2026/sections/nope/survey").status_code == 404


@pytest.mark.parametrize(
    ("state", "notice"),
    [
        ({"banned_at": True}, "Your account is suspended from taking part."),
        ({"confirmed_at": None}, "Confirm your email address first: open the link we sent you."),
    ],
)
def test_banned_or_unconfirmed_account_sees_no_submit_button(client, nsp, login_as, state, notice):
    from consult.core.models import utcnow

    user = login_as()
    for name, value in state.items():
        setattr(user, name, utcnow() if value is True else value)
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert 'name="q.ratings.NC-1"' in html  # the questions can be read
    assert notice in html
    assert 'type="submit"' not in html.split('<form method="post" class="survey"')[1]
    assert "Send my answers" not in html
    assert client.post(URL, data=FULL).status_code == 403
    assert responses() == 0


def test_an_account_that_may_answer_sees_the_submit_button(client, nsp, login_as):
    login_as()
    html = client.get(URL).get_data(as_text=True)
    assert '<button type="submit">Send my answers</button>' in html
