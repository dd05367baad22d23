"""The question-type registry, and what each type does on its own: parse, clean, store as
rows, read the form, serialise, name and fill export columns."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from consult import ROOT
from consult.core.datafile import Checker
from consult.extensions import db
from consult.surveys.definitions import QuestionDef, parse_question
from consult.surveys.models import Answer, Question
from consult.surveys.types import MODULES, QUESTION_TYPES, TYPES, get_type, register
from consult.surveys.types.base import QuestionType
from tests.factories import survey_of

OPTIONS = [{"key": k, "label": {"en": k.upper(), "ur": f"{k}-ur"}} for k in ("a", "b", "c")]


def question(code: str, required: bool = False, **config: Any) -> QuestionDef:
    return QuestionDef("q1", code, {"en": "Q?"}, None, required, config, None)


# One valid answer per type: the raw value, its cleaned form, its rows, its export.
CASES: dict[str, dict[str, Any]] = {
    "likert": {
        "config": {"no_opinion": True},
        "value": 4,
        "cleaned": 4,
        "rows": [{"item_key": None, "value_int": 4}],
        "columns": ["q1"],
        "export": [4],
        "bad": [0, 6, "4", True, 4.5, "maybe"],
    },
    "matrix": {
        "config": {"rows": OPTIONS, "no_opinion": True},
        "value": {"c": "no-opinion", "a": 5},
        "cleaned": {"a": 5, "c": "no-opinion"},
        "rows": [{"item_key": "a", "value_int": 5}, {"item_key": "c", "value_text": "no-opinion"}],
        "columns": ["q1.a", "q1.b", "q1.c"],
        "export": [5, None, "no-opinion"],
        "bad": [{"d": 1}, {"a": 6}, {"a": "5"}, [5]],
    },
    "single": {
        "config": {"options": OPTIONS},
        "value": "b",
        "cleaned": "b",
        "rows": [{"item_key": "b"}],
        "columns": ["q1"],
        "export": ["b"],
        "bad": ["d", "B", 1, ["b"]],
    },
    "multiple": {
        "config": {"options": OPTIONS, "min_select": 1, "max_select": 2},
        "value": ["c", "a"],
        "cleaned": ["a", "c"],  # in option order
        "rows": [{"item_key": "a"}, {"item_key": "c"}],
        "columns": ["q1.a", "q1.b", "q1.c"],
        "export": [1, 0, 1],
        "bad": [["a", "b", "c"], ["a", "a"], "a", ["d"], [1]],
    },
    "ranking": {
        "config": {"options": OPTIONS, "top_n": 2},
        "value": ["c", "a"],
        "cleaned": ["c", "a"],
        "rows": [{"item_key": "c", "value_int": 1}, {"item_key": "a", "value_int": 2}],
        "columns": ["q1.a", "q1.b", "q1.c"],
        "export": [2, None, 1],
        "bad": [["c"], ["c", "c"], ["c", "d"], "c", ["a", "b", "c"]],
    },
    "text": {
        "config": {"max_length": 10},
        "value": " hi\r\nyou ",
        "cleaned": "hi\nyou",
        "rows": [{"value_text": "hi\nyou"}],
        "columns": ["q1"],
        "export": ["hi\nyou"],
        "bad": ["x" * 11, 5, "nul\x00", ["hi"]],
    },
    "number": {
        "config": {"min": 0.0, "max": 10.0, "integer": True},
        "value": 7.0,
        "cleaned": 7,
        "rows": [{"value_num": 7.0}],
        "columns": ["q1"],
        "export": [7],
        "bad": [11, -1, 2.5, "7", True, float("inf"), float("nan")],
    },
}


# --- the registry ---------------------------------------------------------------------------


def test_every_type_is_registered_once_in_registry_order():
    assert tuple(TYPES) == QUESTION_TYPES
    assert QUESTION_TYPES == ("likert", "matrix", "single", "multiple", "ranking", "text", "number")
    assert set(CASES) == set(TYPES)  # and every type is tested below
    for module, (code, qtype) in zip(MODULES, TYPES.items(), strict=True):
        assert qtype.code == code and module == code.replace("-", "_")
        assert isinstance(qtype, QuestionType)
        assert type(qtype).__module__ == f"consult.surveys.types.{module}"
        assert get_type(code) is qtype
    with pytest.raises(LookupError):
        get_type("no-such-type")
    with pytest.raises(RuntimeError, match="registered twice"):
        register(type(TYPES["likert"]))


# In Python (outside the types): the brief's grep, `qtype ==`, `.type ==`, `type in (`.
PY_DISPATCH = re.compile(r"qtype ==|\.type ==|type in \(")
# Anywhere: a comparison with a quoted type code, or a type tested against a tuple.
CODES = "|".join(map(re.escape, QUESTION_TYPES))
CODE_DISPATCH = re.compile(
    rf"""["']({CODES})["']\s*(==|!=|in\b)|(==|!=)\s*["']({CODES})["']|\btype\s+(not\s+)?in\s+\("""
)


def test_no_type_dispatch_outside_the_types():
    """What differs between types lives in the type classes, never in `if type == ...`."""
    python = [
        path
        for folder in ("consult/surveys", "consult/api")
        for path in (ROOT / folder).rglob("*.py")
        if path.parent.name != "types"
    ]
    templates = list((ROOT / "templates" / "surveys").rglob("*.html"))
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in python + templates
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CODE_DISPATCH.search(line) or (path.suffix == ".py" and PY_DISPATCH.search(line))
    ]
    assert not found, "\n".join(found)


def test_the_database_accepts_every_registered_type_and_no_other(app, nsp):
    """The CHECK constraint on survey_questions.type lists the registry's codes."""
    survey = survey_of()
    for position, code in enumerate(QUESTION_TYPES, start=10):
        db.session.add(
            Question(
                survey_id=survey.id,
                key=f"t-{code}",
                position=position,
                type=code,
                prompt={"en": code},
                config={},
            )
        )
    db.session.flush()
    db.session.add(
        Question(
            survey_id=survey.id, key="t-x", position=99, type="no-such-type", prompt={"en": "x"}
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_stored_questions_know_their_type(app, nsp):
    ratings = survey_of().questions[0]
    assert ratings.question_type is TYPES["matrix"]
    assert ratings.question_type.item_keys(ratings) == ["NC-1", "NC-2", "NC-3"]


# --- each type ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", QUESTION_TYPES)
def test_clean_rows_and_export(app, code):
    case = CASES[code]
    q = question(code, **case["config"])
    qtype = get_type(code)
    cleaned = qtype.clean(q, case["value"])
    assert cleaned == case["cleaned"] and type(cleaned) is type(case["cleaned"])
    assert qtype.rows(q, cleaned) == case["rows"]
    assert qtype.export_columns(q) == case["columns"]
    assert qtype.export_values(q, case["rows"]) == case["export"]
    assert qtype.export_values(q, []) == [None] * len(case["columns"])  # not answered


@pytest.mark.parametrize(("code", "bad"), [(c, b) for c in QUESTION_TYPES for b in CASES[c]["bad"]])
def test_invalid_answers_are_refused_with_a_message(app, code, bad):
    q = question(code, **CASES[code]["config"])
    with pytest.raises(ValueError, match=r"\w"):
        get_type(code).clean(q, bad)


@pytest.mark.parametrize("code", QUESTION_TYPES)
def test_the_form_reads_back_what_it_shows(app, code):
    """form_values is the inverse of read_form: a stored answer shows and posts unchanged."""
    case = CASES[code]
    q = question(code, **case["config"])
    qtype = get_type(code)
    shown = qtype.form_values(q, case["cleaned"])
    assert all(name.startswith("q.q1") for name in shown)
    form = MultiDict(
        [(k, v) for k, vs in shown.items() for v in (vs if isinstance(vs, list) else [vs])]
    )
    value, error = qtype.read_form(q, form)
    assert error is None
    assert qtype.clean(q, value) == case["cleaned"]


def test_form_problems_the_form_itself_makes_possible(app):
    ranking = question("ranking", options=OPTIONS)
    _value, error = TYPES["ranking"].read_form(ranking, MultiDict({"q.q1.a": "1", "q.q1.b": "1"}))
    assert error == "Each place in the order can be used only once."
    number = question("number")
    assert TYPES["number"].read_form(number, MultiDict({"q.q1": "1,500"})) == (1500, None)
    assert TYPES["number"].read_form(number, MultiDict({"q.q1": "many"})) == (
        None,
        "Enter a number.",
    )


def test_stored_answer_rows_export_like_fresh_ones():
    q = question("matrix", **CASES["matrix"]["config"])
    stored = [Answer(item_key="c", value_text="no-opinion"), Answer(item_key="a", value_int=5)]
    rows = [a.as_row() for a in stored]
    assert rows == [
        {"item_key": "c", "value_text": "no-opinion"},
        {"item_key": "a", "value_int": 5},
    ]
    assert TYPES["matrix"].export_values(q, rows) == [5, None, "no-opinion"]


@pytest.mark.parametrize(
    ("code", "config", "expected"),
    [
        ("likert", {"no_opinion": False}, {"scale": {"min": 1, "max": 5, "no_opinion": False}}),
        (
            "matrix",
            {"rows": OPTIONS, "no_opinion": True},
            {
                "rows": [{"key": k, "label": f"{k}-ur"} for k in "abc"],
                "scale": {"min": 1, "max": 5, "no_opinion": True},
            },
        ),
        (
            "single",
            {"options": OPTIONS},
            {"options": [{"key": k, "label": f"{k}-ur"} for k in "abc"]},
        ),
        (
            "multiple",
            {"options": OPTIONS, "min_select": None, "max_select": 2},
            {"options": [{"key": k, "label": f"{k}-ur"} for k in "abc"], "max_select": 2},
        ),
        (
            "ranking",
            {"options": OPTIONS, "top_n": None},
            {"options": [{"key": k, "label": f"{k}-ur"} for k in "abc"]},
        ),
        ("text", {"max_length": 2000}, {"max_length": 2000}),
        ("number", {"min": None, "max": 5.0, "integer": False}, {"max": 5.0, "integer": False}),
    ],
)
def test_serialisation_for_the_api(app, code, config, expected):
    assert get_type(code).serialize(question(code, **config), "ur") == expected


def parse(raw: dict[str, Any]) -> tuple[QuestionDef | None, list[tuple[str, str]]]:
    checker = Checker()
    objectives = [("NC-1", {"en": "One"}), ("NC-2", {"en": "Two"})]
    parsed = parse_question(checker, {"key": "q1", "prompt": "Q?", **raw}, "q", objectives, {})
    return parsed, checker.problems


@pytest.mark.parametrize(
    ("raw", "config"),
    [
        ({"type": "likert"}, {"no_opinion": True}),
        (
            {"type": "matrix", "rows": "objectives", "no_opinion": False},
            {
                "no_opinion": False,
                "rows": [
                    {"key": "NC-1", "label": {"en": "One"}},
                    {"key": "NC-2", "label": {"en": "Two"}},
                ],
            },
        ),
        (
            {"type": "single", "options": [{"key": "y", "label": "Yes"}]},
            {"options": [{"key": "y", "label": {"en": "Yes"}}]},
        ),
        (
            {"type": "multiple", "options": "objectives", "max_select": 1},
            {
                "options": [
                    {"key": "NC-1", "label": {"en": "One"}},
                    {"key": "NC-2", "label": {"en": "Two"}},
                ],
                "min_select": None,
                "max_select": 1,
            },
        ),
        (
            {"type": "ranking", "options": "objectives", "top_n": 1},
            {
                "options": [
                    {"key": "NC-1", "label": {"en": "One"}},
                    {"key": "NC-2", "label": {"en": "Two"}},
                ],
                "top_n": 1,
            },
        ),
        ({"type": "text"}, {"max_length": 2000}),
        ({"type": "number", "min": 1, "integer": True}, {"min": 1.0, "max": None, "integer": True}),
    ],
)
def test_each_type_parses_its_own_settings(raw, config):
    parsed, problems = parse(raw)
    assert problems == []
    assert parsed is not None and parsed.config == config


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"type": "likert", "options": "objectives"}, "q.options"),  # another type's field
        ({"type": "text", "no_opinion": True}, "q.no_opinion"),
        ({"type": "matrix"}, "q.rows"),
        (
            {"type": "single", "options": [{"key": "y", "label": "Y"}, {"key": "y", "label": "Z"}]},
            "q.options[1].key",
        ),
        (
            {"type": "multiple", "options": "objectives", "min_select": 2, "max_select": 1},
            "q.min_select",
        ),
        ({"type": "ranking", "options": "objectives", "top_n": 3}, "q.top_n"),
        ({"type": "text", "max_length": 0}, "q.max_length"),
        ({"type": "number", "min": 5, "max": 1}, "q.min"),
        ({"type": "no-such-type"}, "q.type"),
        ({"type": ["likert"]}, "q.type"),
    ],
)
def test_each_type_names_its_bad_settings(raw, path):
    _parsed, problems = parse(raw)
    assert path in [p for p, _m in problems], problems


def test_signature_changes_with_meaning_not_wording():
    """The structural lock: what an answer means may not change once answered."""

    def signature(code: str, **config: Any) -> tuple:
        return question(code, **config).signature()

    relabelled = [{**o, "label": {"en": "Other words"}} for o in OPTIONS]
    assert signature("single", options=OPTIONS) == signature("single", options=relabelled)
    assert signature("single", options=OPTIONS) != signature("single", options=OPTIONS[:2])
    assert signature("single", options=OPTIONS) != signature("multiple", options=OPTIONS)
    assert signature("likert", no_opinion=True) != signature("likert", no_opinion=False)
    assert signature("matrix", rows=OPTIONS, no_opinion=True) != signature(
        "matrix", rows=OPTIONS, no_opinion=False
    )
    assert signature("number", min=0.0, max=9.0) != signature("number", min=1.0, max=9.0)
    assert signature("number", integer=False) != signature("number", integer=True)
    assert signature("text", max_length=10) == signature("text", max_length=20)


def test_what_a_later_question_may_depend_on():
    kinds = {code: t.condition for code, t in TYPES.items()}
    assert kinds == {
        "likert": "equals",
        "matrix": None,
        "single": "equals",
        "multiple": "includes",
        "ranking": None,
        "text": None,
        "number": "equals",
    }
    assert TYPES["likert"].accepts_condition(question("likert"), "no-opinion")
    assert not TYPES["likert"].accepts_condition(question("likert"), 6)
    assert TYPES["single"].accepts_condition(question("single", options=OPTIONS), "b")
    assert not TYPES["single"].accepts_condition(question("single", options=OPTIONS), "d")
    assert TYPES["number"].condition_value("1,500") == 1500
    assert TYPES["likert"].condition_value("4") == 4


def test_items_and_builder_fields_come_from_the_type():
    assert [t.items_field for t in TYPES.values()] == [
        None,
        "rows",
        "options",
        "options",
        "options",
        None,
        None,
    ]
    assert TYPES["matrix"].items(question("matrix", rows=OPTIONS)) == OPTIONS
    assert TYPES["text"].items(question("text", max_length=5)) == []
    assert TYPES["matrix"].builder_fields == ("items", "use_objectives", "no_opinion")
    assert TYPES["number"].builder_fields == ("min", "max", "integer")
    assert TYPES["number"].builder_data(question("number", min=1.0, max=2.5, integer=True)) == {
        "min": 1,
        "max": 2.5,
        "integer": True,
    }
