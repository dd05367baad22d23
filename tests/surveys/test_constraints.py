"""The database holds the survey invariants: one survey per section, answer rows of a
sane shape; and migration 0005 refuses, by name, data that breaks them."""

from __future__ import annotations

import tomllib

import pytest
from alembic import command
from flask_migrate import upgrade
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from consult import ROOT, create_app
from consult.accounts.models import Participant
from consult.core.models import utcnow
from consult.errors import Conflict
from consult.extensions import db
from consult.policy.loader import PolicyFileError, parse_policy, read_policy_file
from consult.policy.services import load_policy
from consult.surveys import services
from consult.surveys.models import Answer, Survey, SurveyResponse
from tests.conftest import NSP_FILE
from tests.core.test_migrations import empty_database_url  # noqa: F401 (a fixture)
from tests.factories import make_user, survey_of

MIGRATIONS = str(ROOT / "migrations")
GOOD = {"ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"}}


def test_a_section_has_at_most_one_survey(app, nsp):
    first = survey_of()
    db.session.add(
        Survey(
            policy_id=first.policy_id,
            section_id=first.section_id,
            key="another",
            title={"en": "Another"},
            status="draft",
        )
    )
    with pytest.raises(IntegrityError, match="section_id"):
        db.session.flush()
    db.session.rollback()


BAD_ROWS = [
    ({}, "not_empty"),
    ({"value_int": 3, "value_text": "no-opinion"}, "one_value"),
    ({"value_num": 1.0, "value_int": 2}, "one_value"),
    ({"item_key": "NC-1", "value_int": 0}, "value_int_positive"),
    ({"value_int": 6}, "rating_range"),
    ({"item_key": "NC-1", "value_text": "hello"}, "item_text"),
    ({"item_key": "NC-1", "value_num": 1.5}, "item_number"),
]


@pytest.fixture
def response(app, nsp):
    return services.submit_response(survey_of(), make_user().participant, GOOD)


@pytest.mark.parametrize(("row", "constraint"), BAD_ROWS)
def test_answer_rows_of_no_question_type_are_refused(response, row, constraint):
    question = survey_of().questions[0]
    db.session.add(Answer(response_id=response.id, question_id=question.id, **row))
    with pytest.raises(IntegrityError, match=f"ck_survey_answers_{constraint}"):
        db.session.flush()
    db.session.rollback()


def test_rows_of_every_type_fit_the_constraints(response):
    from tests.surveys.test_types import CASES

    question = survey_of().questions[0]
    rows = [row for case in CASES.values() for row in case["rows"]]
    rows += [{"item_key": "NC-1", "value_int": 12}]  # a rank may be past 5
    for row in rows:
        db.session.add(Answer(response_id=response.id, question_id=question.id, **row))
    db.session.flush()
    db.session.rollback()


def test_a_policy_file_with_two_surveys_in_a_section_is_refused(app):
    raw = tomllib.loads(NSP_FILE.read_text(encoding="utf-8"))
    second = {**raw["sections"][0]["surveys"][0], "key": "second"}
    raw["sections"][0]["surveys"].append(second)
    with pytest.raises(PolicyFileError) as info:
        parse_policy(raw, "nsp.toml")
    assert ("sections[0].surveys[1]", "a section has at most one survey") in info.value.problems


def test_a_reload_cannot_move_a_survey_into_a_section_that_has_one(app, nsp):
    raw = tomllib.loads(NSP_FILE.read_text(encoding="utf-8"))
    raw["sections"][1]["surveys"] = raw["sections"][0]["surveys"]  # national-cohesion moves
    raw["sections"][0]["surveys"] = []
    with pytest.raises(Conflict) as info:
        load_policy(parse_policy(raw, "nsp.toml"))
    assert info.value.message == "This section already has a survey."
    assert info.value.fields == {"sections.economic-future": "survey economic-future"}
    db.session.rollback()
    assert survey_of().section.slug == "national-cohesion"


def test_upgrade_refuses_two_surveys_in_a_section_and_bad_answer_rows(empty_database_url):  # noqa: F811
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0004")
        load_policy(read_policy_file(NSP_FILE))
        first = survey_of()
        db.session.add(
            Survey(
                policy_id=first.policy_id,
                section_id=first.section_id,
                key="second",
                title={"en": "Second"},
                status="draft",
            )
        )
        # Rows as a 0004 database holds them, written without touching `users` (whose
        # later columns the models already know): an attendee and a bare response.
        participant = Participant(kind="attendee", display_name="Before 0005")
        db.session.add(participant)
        db.session.flush()
        # In SQL: a 0004 table lacks columns later migrations add (`stream`, 0012).
        db.session.execute(
            text(
                "INSERT INTO survey_responses (survey_id, respondent_key, participant_id,"
                " channel, province, stakeholder_group, gender, age_band, version, answers,"
                " updated_at, created_at) VALUES (:s, :k, :p, 'online', 'undisclosed',"
                " 'undisclosed', 'undisclosed', 'undisclosed', 1, '{}', :t, :t)"
            ),
            {"s": first.id, "k": f"p:{participant.id}", "p": participant.id, "t": utcnow()},
        )
        response_id = db.session.scalar(
            select(func.max(SurveyResponse.id)).where(SurveyResponse.survey_id == first.id)
        )
        db.session.add(
            Answer(response_id=response_id, question_id=first.questions[0].id, value_int=9)
        )
        db.session.commit()
        config = app.extensions["migrate"].migrate.get_config(MIGRATIONS)

        with pytest.raises(RuntimeError) as info:
            command.upgrade(config, "head")
        assert "nsp-2022-2026/national-cohesion has national-cohesion, second" in str(info.value)
        db.session.execute(delete(Survey).where(Survey.key == "second"))
        db.session.commit()

        with pytest.raises(RuntimeError) as info:
            command.upgrade(config, "head")
        assert "rating_range: 1 row(s)" in str(info.value)
        db.session.execute(delete(Answer).where(Answer.value_int == 9))
        db.session.commit()

        command.upgrade(config, "head")
        assert db.session.scalar(select(Survey.key).where(Survey.id == first.id)) == first.key
        db.session.remove()
        db.engine.dispose()
