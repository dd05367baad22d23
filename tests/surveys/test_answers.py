"""Answer validation for every question type, and conditional questions."""

from __future__ import annotations

import pytest

from consult.errors import ValidationError
from consult.surveys.answers import answer_rows, validate_answers
from tests.factories import make_question, survey_of

OPTIONS = [{"key": k, "label": {"en": k.title()}} for k in ("red", "green", "blue", "gold")]


@pytest.fixture
def survey(app, nsp):
    s = survey_of()
    make_question(s, "mood", "likert", no_opinion=True)
    make_question(s, "colour", "single", options=OPTIONS)
    make_question(s, "likes", "multiple", options=OPTIONS, min_select=1, max_select=2)
    make_question(s, "top", "ranking", options=OPTIONS, top_n=2)
    make_question(s, "age", "number", min=18, max=120, integer=True)
    make_question(s, "share", "number", min=0, max=1)
    make_question(
        s, "why", "text", condition={"question": "colour", "equals": "gold"}, max_length=20
    )
    make_question(s, "which", "text", condition={"question": "likes", "includes": "blue"})
    return s


FULL = {"ratings": {"NC-1": 5, "NC-2": "no-opinion", "NC-3": 1}}


def check(survey, answers):
    return validate_answers(survey.questions, {**FULL, **answers})


def error_of(survey, answers) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        check(survey, answers)
    return info.value.fields


def test_valid_answers_of_every_type_are_cleaned(survey):
    cleaned = check(
        survey,
        {
            "mood": 3,
            "colour": "gold",
            "likes": ["blue", "red"],
            "top": ["green", "red"],
            "age": 30.0,
            "share": 0.5,
            "why": "  shiny  ",
            "which": "navy",
            "priorities": ["NC-2", "NC-1", "NC-3"],
            "missing": "Water.\r\nAnd land.",
        },
    )
    assert cleaned["likes"] == ["red", "blue"]  # in option order
    assert cleaned["age"] == 30 and isinstance(cleaned["age"], int)
    assert cleaned["why"] == "shiny" and cleaned["missing"] == "Water.\nAnd land."
    assert cleaned["ratings"] == {"NC-1": 5, "NC-2": "no-opinion", "NC-3": 1}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"mood": 6}, "mood"),
        ({"mood": 0}, "mood"),
        ({"mood": "3"}, "mood"),
        ({"mood": True}, "mood"),
        ({"colour": "purple"}, "colour"),
        ({"colour": "NC-1"}, "colour"),  # an option of another question
        ({"likes": []}, None),  # empty is "not answered": fine, the question is optional
        ({"likes": ["red", "green", "blue"]}, "likes"),  # over max_select
        ({"likes": ["red", "red"]}, "likes"),
        ({"likes": "red"}, "likes"),
        ({"top": ["red"]}, "top"),  # top 2 needs exactly 2
        ({"top": ["red", "red"]}, "top"),
        ({"top": ["red", "pink"]}, "top"),
        ({"priorities": ["NC-1", "NC-2"]}, "priorities"),  # must rank all three
        ({"priorities": ["NC-1", "NC-1", "NC-2"]}, "priorities"),
        ({"age": 17}, "age"),
        ({"age": 30.5}, "age"),
        ({"age": "thirty"}, "age"),
        ({"share": float("nan")}, "share"),
        ({"missing": "x" * 2001}, "missing"),
        ({"missing": "nul\x00"}, "missing"),
        ({"nonsense": 1}, "nonsense"),
        ({"ratings": {"NC-1": 5, "NC-2": 4}}, "ratings"),  # required matrix incomplete
        ({"ratings": {"NC-1": 5, "NC-2": 4, "NC-3": 3, "EF-1": 2}}, "ratings"),
        ({"ratings": {"NC-1": 5, "NC-2": 4, "NC-3": 9}}, "ratings"),
        ({"ratings": None}, "ratings"),  # required
        ({"why": "because"}, "why"),  # condition (colour == gold) not met
        ({"colour": "red", "why": "because"}, "why"),
        ({"likes": ["red"], "which": "navy"}, "which"),  # includes blue not met
    ],
)
def test_bad_answers_name_their_field(survey, answers, field):
    if field is None:
        check(survey, answers)
        return
    assert field in error_of(survey, answers)


def test_all_errors_are_reported_at_once(survey):
    fields = error_of(survey, {"mood": 9, "colour": "x", "age": 5})
    assert {"mood", "colour", "age"} <= set(fields)


def test_condition_met_accepts_the_answer(survey):
    assert check(survey, {"colour": "gold", "why": "shiny"})["why"] == "shiny"
    assert check(survey, {"likes": ["blue"], "which": "navy"})["which"] == "navy"


def test_required_conditional_question_only_required_when_shown(survey):
    from tests.factories import make_question

    make_question(
        survey, "detail", "text", required=True, condition={"question": "colour", "equals": "blue"}
    )
    check(survey, {"colour": "red"})
    assert "detail" in error_of(survey, {"colour": "blue"})


def test_answers_must_be_an_object(survey):
    with pytest.raises(ValidationError):
        validate_answers(survey.questions, ["not", "a", "dict"])


def test_rows_are_atomic_for_sql(survey):
    by_key = {q.key: q for q in survey.questions}
    assert answer_rows(by_key["ratings"], {"NC-1": 4, "NC-2": "no-opinion"}) == [
        {"item_key": "NC-1", "value_int": 4},
        {"item_key": "NC-2", "value_text": "no-opinion"},
    ]
    assert answer_rows(by_key["top"], ["green", "red"]) == [
        {"item_key": "green", "value_int": 1},
        {"item_key": "red", "value_int": 2},
    ]
    assert answer_rows(by_key["likes"], ["red", "blue"]) == [
        {"item_key": "red"},
        {"item_key": "blue"},
    ]
    assert answer_rows(by_key["share"], 0.25) == [{"value_num": 0.25}]
