"""The survey builder: who may use it, building a survey, the form errors, the lock."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import event, func, select

from consult.core.audit import AuditEntry
from consult.errors import PermissionDenied
from consult.extensions import db
from consult.policy.loader import parse_policy
from consult.policy.services import load_policy
from consult.surveys import services
from consult.surveys.builder import services as builder_services
from consult.surveys.models import Question, Survey, SurveyResponse, SurveyRevision
from tests.factories import make_user

BASE = "/admin/surveys"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def survey_by_key(key: str = "national-cohesion") -> Survey:
    db.session.expire_all()
    return db.session.scalar(select(Survey).where(Survey.key == key))


def live_keys(survey: Survey) -> list[str]:
    db.session.expire_all()
    return [
        q.key
        for q in db.session.scalars(
            select(Question)
            .where(Question.survey_id == survey.id, Question.retired_at.is_(None))
            .order_by(Question.position)
        )
    ]


def snapshot(survey_id: int) -> list[tuple]:
    """Every stored detail of a survey's questions, to prove that nothing was written."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(Question).where(Question.survey_id == survey_id).order_by(Question.id)
    )
    return [
        (q.key, q.position, q.type, q.prompt, q.help, q.required, q.config, q.condition)
        for q in rows
    ] + [count(SurveyRevision), count(AuditEntry)]


@pytest.fixture
def water(app, nsp):
    """A second open policy whose one section, with two objectives, has no survey yet."""
    data = parse_policy(
        {
            "format": 1,
            "slug": "water-2026",
            "title": "Water Policy",
            "status": "open",
            "sections": [
                {
                    "slug": "water-use",
                    "title": "Water use",
                    "goal": "Use water well.",
                    "objectives": [
                        {"key": "WU-1", "text": "Measure every canal."},
                        {"key": "WU-2", "text": "Price water fairly."},
                    ],
                }
            ],
        },
        "water.toml",
    )
    policy = load_policy(data).policy
    db.session.commit()
    return policy.sections[0]


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def create_water_survey(client, section, **data) -> Survey:
    form = {"key": "water-views", "title": "Water: your views", "show_results": "y", **data}
    response = client.post(f"{BASE}/new?section={section.id}", data=form)
    survey = survey_by_key(form["key"])
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{BASE}/{survey.id}"
    return survey


def add(client, survey, qtype: str, **fields):
    data = {"type": qtype, "prompt": f"A {qtype} question", **fields}
    return client.post(f"{BASE}/{survey.id}/questions/new?type={qtype}", data=data)


def edit(client, survey, key: str, **fields):
    return client.post(f"{BASE}/{survey.id}/questions/{key}/edit", data=fields)


def respond(survey: Survey, answers: dict) -> None:
    services.submit_response(survey, make_user().participant, answers)
    db.session.commit()


# --- who may build ------------------------------------------------------------------------


def builder_urls(survey: Survey, section_id: int) -> tuple[list[str], list[tuple[str, dict]]]:
    pages = [
        f"{BASE}/",
        f"{BASE}/new?section={section_id}",
        f"{BASE}/{survey.id}",
        f"{BASE}/{survey.id}/questions/new?type=single",
        f"{BASE}/{survey.id}/questions/missing/edit",
        f"{BASE}/{survey.id}/preview",
    ]
    actions = [
        (f"{BASE}/{survey.id}", {"title": "Hacked"}),
        (f"{BASE}/{survey.id}/questions/new?type=text", {"key": "x", "prompt": "Hacked"}),
        (f"{BASE}/{survey.id}/questions/missing/move", {"direction": "up"}),
        (f"{BASE}/{survey.id}/questions/missing/remove", {}),
        (f"{BASE}/{survey.id}/status", {"status": "closed"}),
    ]
    return pages, actions


def test_anonymous_visitors_are_sent_to_log_in(client, water):
    survey = survey_by_key()
    before = snapshot(survey.id)
    pages, actions = builder_urls(survey, water.id)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == f"/auth/login?next={quote(url, safe='')}", url
    for url, data in actions:
        assert client.post(url, data=data).headers["Location"].startswith("/auth/login?next=")
    assert snapshot(survey.id) == before and survey_by_key().status == "open"


@pytest.mark.parametrize("role", ["citizen", "facilitator", "moderator"])
def test_other_roles_get_403_everywhere_and_no_link(client, water, login_as, role):
    login_as(role)
    survey = survey_by_key()
    before = snapshot(survey.id)
    pages, actions = builder_urls(survey, water.id)
    for url in pages:
        assert client.get(url).status_code == 403, url
    for url, data in actions:
        assert client.post(url, data=data).status_code == 403, url
    assert snapshot(survey.id) == before
    assert survey_by_key().status == "open"
    assert f'href="{BASE}/"' not in client.get("/").get_data(as_text=True)


def test_admin_sees_every_page_and_the_header_link(client, water, admin):
    survey = survey_by_key()
    pages, _actions = builder_urls(survey, water.id)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert f'<a href="{BASE}/">Surveys</a>' in client.get("/").get_data(as_text=True)


def test_services_refuse_non_admins_too(app, nsp):
    citizen = make_user("citizen")
    survey = survey_by_key()
    with pytest.raises(PermissionDenied):
        builder_services.change_survey_status(citizen, survey, "closed")
    with pytest.raises(PermissionDenied):
        builder_services.save_question(citizen, survey, {"key": "x", "type": "text"})
    with pytest.raises(PermissionDenied):
        builder_services.remove_question(citizen, survey, survey.questions[-1])


# --- the overview ---------------------------------------------------------------------------


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_overview_lists_every_survey_with_counts_and_create_links(client, water, admin, nsp):
    survey = survey_by_key()
    respond(survey, {"ratings": {"NC-1": 4, "NC-2": 5, "NC-3": 3}})
    with count_queries() as statements:
        html = client.get(f"{BASE}/").get_data(as_text=True)
    assert len(statements) <= 10, statements
    assert "National Security Policy of Pakistan 2022-2026" in html and "Water Policy" in html
    n_sections = len(nsp.sections)
    assert html.count("<td>3</td>") >= n_sections  # three questions each
    assert f'href="{BASE}/{survey.id}"' in html and f'href="{BASE}/{survey.id}/preview"' in html
    assert "<td>1</td>" in html  # one response
    assert html.count("Create survey") == 1
    assert f'href="{BASE}/new?section={water.id}"' in html


# --- building a survey ----------------------------------------------------------------------


def test_create_survey_starts_as_a_draft_and_is_audited(client, water, admin):
    survey = create_water_survey(client, water, intro="Tell us.", anonymous="y")
    assert (survey.status, survey.title, survey.intro) == (
        "draft",
        {"en": "Water: your views"},
        {"en": "Tell us."},
    )
    assert survey.anonymous and survey.show_results and not survey.from_file
    assert survey.section_id == water.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "survey.create"))
    assert entry.actor_id == admin.id and entry.target_id == str(survey.id)
    html = client.get(f"{BASE}/{survey.id}").get_data(as_text=True)
    assert "The survey is created as a draft." in html and "No questions yet." in html
    # A section has one survey: the overview no longer offers to create one.
    assert "Create survey" not in client.get(f"{BASE}/").get_data(as_text=True)
    response = client.post(
        f"{BASE}/new?section={water.id}", data={"key": "again", "title": "Again"}
    )
    assert response.status_code == 409 and count(Survey, Survey.key == "again") == 0
    assert "This section already has a survey." in response.get_data(as_text=True)


def test_create_survey_form_errors_keep_the_input(client, water, admin):
    before = count(Survey)
    response = client.post(
        f"{BASE}/new?section={water.id}", data={"key": "Bad Key", "title": "", "intro": "Kept"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use a lowercase key" in html and "Write a title." in html
    assert 'value="Bad Key"' in html and "Kept</textarea>" in html
    response = client.post(
        f"{BASE}/new?section={water.id}", data={"key": "national-cohesion", "title": "T"}
    )
    assert response.status_code == 302  # keys are unique per policy, not across policies
    assert count(Survey) == before + 1


ALL_TYPES = {
    "likert": {"key": "overall", "no_opinion": "y", "required": "y"},
    "matrix": {"key": "ratings", "use_objectives": "y", "no_opinion": "y"},
    "single": {"key": "use", "items": "farm | Farming\n\nhome | At home\ncity | In a city"},
    "multiple": {
        "key": "sources",
        "items": "river | A river\nwell | A well\ntap | A tap",
        "min_select": "1",
        "max_select": "2",
    },
    "ranking": {"key": "order", "items": "A | Canals\nB | Dams\nC | Pipes", "top_n": "2"},
    "text": {"key": "ideas", "max_length": "500", "help": "Anything else?"},
    "number": {"key": "litres", "min": "0", "max": "1000", "integer": "y"},
}


def test_add_one_question_of_each_type_and_see_them_in_the_preview(client, water, admin):
    survey = create_water_survey(client, water)
    for qtype, fields in ALL_TYPES.items():
        assert client.get(f"{BASE}/{survey.id}/questions/new?type={qtype}").status_code == 200
        response = add(client, survey, qtype, **fields)
        assert response.status_code == 302, (qtype, response.get_data(as_text=True))
        assert response.headers["Location"] == f"{BASE}/{survey.id}#question-{fields['key']}"
    questions = {q.key: q for q in survey_by_key("water-views").questions}
    assert list(questions) == [f["key"] for f in ALL_TYPES.values()]
    assert [q.position for q in questions.values()] == list(range(1, 8))
    assert questions["overall"].required and questions["overall"].config == {"no_opinion": True}
    assert questions["ratings"].config["rows"] == [
        {"key": "WU-1", "label": {"en": "Measure every canal."}},
        {"key": "WU-2", "label": {"en": "Price water fairly."}},
    ]
    assert [o["key"] for o in questions["use"].config["options"]] == ["farm", "home", "city"]
    assert questions["sources"].config["min_select"] == 1
    assert questions["sources"].config["max_select"] == 2
    assert questions["order"].config["top_n"] == 2
    assert questions["ideas"].config == {"max_length": 500}
    assert questions["ideas"].help == {"en": "Anything else?"}
    assert questions["litres"].config == {"min": 0.0, "max": 1000.0, "integer": True}
    assert count(AuditEntry, AuditEntry.action == "survey.question.save") == 7

    html = client.get(f"{BASE}/{survey.id}/preview").get_data(as_text=True)
    assert "Preview" in html and "Nothing entered here is sent or saved." in html
    for qtype in ALL_TYPES:
        assert f"A {qtype} question" in html
    assert 'name="q.overall"' in html and 'id="q-overall-none"' in html
    assert 'name="q.ratings.WU-2"' in html and "Price water fairly." in html
    assert 'type="radio" name="q.use" value="home"' in html
    assert 'type="checkbox" name="q.sources" value="tap"' in html
    assert "Choose 1 to 2." in html
    assert "Give places 1 to 2 to the items you would put first." in html
    assert 'maxlength="500"' in html
    assert 'name="q.litres"' in html and 'min="0.0"' in html and 'step="1"' in html
    assert 'type="submit"' not in html.split('<form class="survey"')[1].split("</form>")[0]


def test_condition_on_an_earlier_single_choice_question(client, water, admin):
    survey = create_water_survey(client, water)
    add(client, survey, "single", **ALL_TYPES["single"])
    response = add(
        client,
        survey,
        "text",
        key="farm-ideas",
        prompt="What would help your farm?",
        condition_question="use",
        condition_value="farm",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    question = survey_by_key("water-views").questions[1]
    assert question.condition == {"question": "use", "equals": "farm"}
    page = client.get(f"{BASE}/{survey.id}").get_data(as_text=True)
    assert "Asked only when the answer to use is “Farming”." in page
    html = client.get(f"{BASE}/{survey.id}/preview").get_data(as_text=True)
    assert 'data-condition-question="use" data-condition-equals="farm"' in html
    assert "Answer only if your answer to “A single question” was “Farming”." in html
    # The edit form shows the condition as stored.
    html = client.get(f"{BASE}/{survey.id}/questions/farm-ideas/edit").get_data(as_text=True)
    assert '<option selected value="use">' in html and 'value="farm"' in html


def test_includes_condition_on_an_earlier_multiple_choice_question(client, water, admin):
    survey = create_water_survey(client, water)
    add(client, survey, "multiple", **ALL_TYPES["multiple"])
    response = add(
        client, survey, "number", key="depth", condition_question="sources", condition_value="well"
    )
    assert response.status_code == 302
    assert survey_by_key("water-views").questions[1].condition == {
        "question": "sources",
        "includes": "well",
    }


@pytest.mark.parametrize(
    ("qtype", "fields", "field_id", "message"),
    [
        ("text", {"key": "missing"}, "key", "Another question of this survey uses this key."),
        ("text", {"key": "Bad key"}, "key", "Use a lowercase key"),
        ("single", {"key": "q1", "items": "a | A\nno bar here"}, "items", "Line 2: write the key"),
        ("single", {"key": "q1", "items": "a | A\nb c | B"}, "items", "Line 2: Use a key of"),
        ("single", {"key": "q1", "items": "a | A\n\na | Again"}, "items", "Line 3: The key a"),
        ("single", {"key": "q1", "items": "a | A\nb |"}, "items", "Line 2: Write a label"),
        ("single", {"key": "q1", "items": ""}, "items", "Add at least one item"),
        (
            "multiple",
            {"key": "q1", "items": "a | A\nb | B\nc | C", "min_select": "3", "max_select": "2"},
            "min_select",
            "The minimum must not be more than the maximum.",
        ),
        ("ranking", {"key": "q1", "items": "a | A\nb | B", "top_n": "5"}, "top_n", "from 1 to 2"),
        ("text", {"key": "q1", "prompt": ""}, "prompt", "Write the question."),
        (
            "text",
            {"key": "q1", "condition_question": "nowhere", "condition_value": "x"},
            "condition_question",
            "Choose a question that comes before this one.",
        ),
        (
            "text",
            {"key": "q1", "condition_question": "missing", "condition_value": "x"},
            "condition_value",
            "Enter a possible answer of that question",
        ),
        ("number", {"key": "q1", "min": "nan"}, "min", "Enter a number."),
        (
            "number",
            {"key": "q1", "min": "10", "max": "1"},
            "min",
            "The minimum must not be more than the maximum.",
        ),
    ],
)
def test_invalid_question_shows_form_errors_and_writes_nothing(
    client, nsp, admin, qtype, fields, field_id, message
):
    survey = survey_by_key()
    before = snapshot(survey.id)
    data = {"type": qtype, "prompt": "Typed prompt", **fields}
    response = client.post(f"{BASE}/{survey.id}/questions/new?type={qtype}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert f'id="{field_id}-error"' in html
    assert message in html.split(f'id="{field_id}-error">')[1].split("</p>")[0]
    if data["prompt"]:
        assert 'value="Typed prompt"' in html  # what the admin typed is kept
    assert snapshot(survey.id) == before


def test_condition_on_a_later_question_is_refused(client, nsp, admin):
    survey = survey_by_key()
    before = snapshot(survey.id)
    response = edit(
        client,
        survey,
        "ratings",
        type="matrix",
        prompt="How far do you agree?",
        use_objectives="y",
        no_opinion="y",
        condition_question="missing",
        condition_value="x",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a question that comes before this one." in html
    assert snapshot(survey.id) == before


def test_change_that_breaks_a_later_condition_is_refused(client, water, admin):
    survey = create_water_survey(client, water)
    add(client, survey, "single", **ALL_TYPES["single"])
    add(client, survey, "text", key="farm-ideas", condition_question="use", condition_value="farm")
    before = snapshot(survey.id)
    response = edit(client, survey, "use", type="single", prompt="Where?", items="home | Home")
    assert response.status_code == 422
    assert "Question farm-ideas is asked only after" in response.get_data(as_text=True)
    assert snapshot(survey.id) == before


# --- order, removal, status -----------------------------------------------------------------


def test_reorder_questions(client, nsp, admin):
    survey = survey_by_key()
    assert live_keys(survey) == ["ratings", "priorities", "missing"]
    response = client.post(f"{BASE}/{survey.id}/questions/missing/move", data={"direction": "up"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/{survey.id}#questions"
    assert live_keys(survey) == ["ratings", "missing", "priorities"]
    client.post(f"{BASE}/{survey.id}/questions/ratings/move", data={"direction": "down"})
    assert live_keys(survey) == ["missing", "ratings", "priorities"]
    # The first question cannot go further up: nothing changes.
    client.post(f"{BASE}/{survey.id}/questions/missing/move", data={"direction": "up"})
    assert live_keys(survey) == ["missing", "ratings", "priorities"]
    assert count(AuditEntry, AuditEntry.action == "survey.question.move") == 2
    html = client.get(f"{BASE}/{survey.id}").get_data(as_text=True)
    assert html.index('id="question-missing"') < html.index('id="question-priorities"')
    assert (
        client.post(
            f"{BASE}/{survey.id}/questions/missing/move", data={"direction": "sideways"}
        ).status_code
        == 400
    )


def test_a_conditional_question_cannot_move_above_its_question(client, water, admin):
    survey = create_water_survey(client, water)
    add(client, survey, "single", **ALL_TYPES["single"])
    add(client, survey, "text", key="farm-ideas", condition_question="use", condition_value="farm")
    response = client.post(
        f"{BASE}/{survey.id}/questions/farm-ideas/move", data={"direction": "up"}
    )
    assert response.status_code == 422
    assert "Question farm-ideas is asked only after" in response.get_data(as_text=True)
    assert live_keys(survey) == ["use", "farm-ideas"]
    response = client.post(f"{BASE}/{survey.id}/questions/use/remove")
    assert response.status_code == 422 and live_keys(survey) == ["use", "farm-ideas"]


def test_remove_a_question(client, nsp, admin):
    survey = survey_by_key()
    response = client.post(f"{BASE}/{survey.id}/questions/priorities/remove")
    assert response.status_code == 302
    assert live_keys(survey) == ["ratings", "missing"]
    retired = db.session.scalar(
        select(Question).where(Question.survey_id == survey.id, Question.key == "priorities")
    )
    assert retired.retired_at is not None  # kept, never deleted
    assert count(AuditEntry, AuditEntry.action == "survey.question.remove") == 1
    html = client.get(f"{BASE}/{survey.id}").get_data(as_text=True)
    assert "Question priorities is removed." in html
    assert client.post(f"{BASE}/{survey.id}/questions/nope/remove").status_code == 404


def test_open_close_and_back_to_draft(client, water, admin):
    survey = create_water_survey(client, water)
    response = client.post(f"{BASE}/{survey.id}/status", data={"status": "open"})
    assert response.status_code == 422  # no questions yet
    assert "Add at least one question before opening" in response.get_data(as_text=True)
    assert survey_by_key("water-views").status == "draft"
    add(client, survey, "likert", key="overall")
    for status, message in (
        ("open", "The survey is open for responses."),
        ("closed", "The survey is closed."),
        ("draft", "The survey is back to draft"),
    ):
        response = client.post(f"{BASE}/{survey.id}/status", data={"status": status})
        assert response.status_code == 302
        assert survey_by_key("water-views").status == status
        assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert count(AuditEntry, AuditEntry.action == "survey.status") == 3
    assert client.post(f"{BASE}/{survey.id}/status", data={"status": "x"}).status_code == 400


def test_open_survey_is_answerable_on_the_public_page(client, water, admin):
    survey = create_water_survey(client, water)
    page = "/policies/water-2026/sections/water-use/survey"
    add(client, survey, "likert", key="overall")
    client.post("/auth/logout")
    assert client.get(page).status_code == 404  # a draft is not public
    survey = survey_by_key("water-views")
    services.set_survey_status(survey, "open", None)
    db.session.commit()
    assert "A likert question" in client.get(page).get_data(as_text=True)


# --- settings -------------------------------------------------------------------------------


def test_settings_change_wording_and_record_revisions(client, nsp, admin):
    survey = survey_by_key()
    response = client.post(
        f"{BASE}/{survey.id}",
        data={"title": "New title", "intro": "", "show_results": "y"},
    )
    assert response.status_code == 302
    survey = survey_by_key()
    assert survey.title == {"en": "New title"} and survey.intro is None
    fields = db.session.scalars(select(SurveyRevision.field).order_by(SurveyRevision.id)).all()
    assert fields == ["title", "intro"]
    assert count(AuditEntry, AuditEntry.action == "survey.settings") == 1


# --- the structural lock --------------------------------------------------------------------


def test_after_a_response_structure_is_locked_but_wording_can_change(client, nsp, admin):
    survey = survey_by_key()
    respond(survey, {"ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"}})
    page = client.get(f"{BASE}/{survey.id}").get_data(as_text=True)
    assert (
        "This survey has 1 response: questions cannot be removed and their type and options "
        "cannot change; wording can."
    ) in page
    assert f'action="{BASE}/{survey.id}/questions/missing/remove"' not in page
    before = snapshot(survey.id)

    # A different type.
    response = edit(client, survey, "missing", type="single", prompt="What?", items="a | A")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "cannot change its type or its options, only their wording" in html
    assert 'value="What?"' in html
    # Different option keys.
    items = "NC-1 | One\nNC-2 | Two\nNC-9 | Nine"
    response = edit(client, survey, "priorities", type="ranking", prompt="Order", items=items)
    assert response.status_code == 409
    assert "cannot change its type or its options" in response.get_data(as_text=True)
    # Removing a question.
    response = client.post(f"{BASE}/{survey.id}/questions/missing/remove")
    assert response.status_code == 409
    assert "cannot be removed" in response.get_data(as_text=True)
    # Anonymity.
    response = client.post(
        f"{BASE}/{survey.id}", data={"title": "T", "anonymous": "y", "show_results": "y"}
    )
    assert response.status_code == 409
    assert "whether it is anonymous cannot change" in response.get_data(as_text=True)
    assert snapshot(survey.id) == before
    assert not survey_by_key().anonymous

    # Wording can change, and leaves a revision.
    response = edit(
        client,
        survey,
        "missing",
        type="text",
        prompt="What does this section leave out?",
        help="Anything the policy should add.",
        max_length="2000",
    )
    assert response.status_code == 302
    question = db.session.scalar(
        select(Question).where(Question.survey_id == survey.id, Question.key == "missing")
    )
    assert question.prompt == {"en": "What does this section leave out?"}
    revisions = db.session.scalars(select(SurveyRevision).order_by(SurveyRevision.id)).all()
    assert [(r.question_key, r.field) for r in revisions] == [
        ("missing", "prompt"),
        ("missing", "help"),
    ]
    assert revisions[0].value == {"en": "What does this section leave out?"}
    assert revisions[0].actor_id == admin.id
    # Option labels are wording too; the keys stay.
    items = "NC-1 | Unity\nNC-2 | Federation\nNC-3 | Services"
    response = edit(client, survey, "priorities", type="ranking", prompt="Order", items=items)
    assert response.status_code == 302
    priorities = db.session.scalar(
        select(Question).where(Question.survey_id == survey.id, Question.key == "priorities")
    )
    assert [o["label"]["en"] for o in priorities.config["options"]] == [
        "Unity",
        "Federation",
        "Services",
    ]
    assert count(SurveyResponse) == 1


def test_edit_form_shows_the_stored_question(client, nsp, admin):
    survey = survey_by_key()
    html = client.get(f"{BASE}/{survey.id}/questions/ratings/edit").get_data(as_text=True)
    assert "How far do you agree with each objective of this section?" in html
    assert 'id="use_objectives"' in html and 'checked id="use_objectives"' in html
    assert "NC-1 | Promoting" in html
    assert 'name="key"' not in html  # the key cannot change
