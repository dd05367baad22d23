"""What every survey question type provides, and the pieces several types share.

A question type owns everything that differs between kinds of questions: how its settings
are read from a policy file or the builder, how its answer is read from the HTML form,
cleaned and stored as rows of `survey_answers`, how its results are aggregated in SQL, how
the API shows it, and which columns it fills in an export. The rest of the surveys domain
asks the type (`consult.surveys.types.get_type`) and never compares type codes.

Type modules import `consult.surveys.models` inside functions only: the models import
`QUESTION_TYPES` and `NO_OPINION` from this package for their CHECK constraints.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core.datafile import Checker, Text
from consult.core.i18n import localized

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from consult.surveys.models import Question

NO_OPINION = "no-opinion"
SCALE = (1, 2, 3, 4, 5)
ITEM_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
OBJECTIVES = "objectives"  # shorthand: one item per objective of the section, keyed by its key

# The columns of one `survey_answers` row that a type fills (others stay NULL).
AnswerRow = dict[str, Any]
# A question's results as the API and the results table show them.
Result = dict[str, Any]
Objectives = Sequence[tuple[str, Text]]


class QuestionLike(Protocol):
    """A stored `Question` or a parsed `QuestionDef`: what type methods read of a question."""

    @property
    def key(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def required(self) -> bool: ...

    @property
    def config(self) -> dict[str, Any]: ...


def field_name(question: QuestionLike, item: str | None = None) -> str:
    """The name of an answer-page input: `q.<question>` or `q.<question>.<item>`."""
    return f"q.{question.key}" + (f".{item}" if item else "")


def is_int(value: Any) -> bool:
    """True for ints but not for booleans (JSON `true` is not the number 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


class QuestionType(ABC):
    """One kind of survey question. Subclasses are registered with `@register`.

    Class attributes describe the type; methods take the question (`QuestionLike`) so that
    one instance serves every question of its type.
    """

    code: ClassVar[str]
    """The stable code stored in `survey_questions.type` and written in policy files."""
    label: ClassVar[Any]
    """How the builder names the type (a lazy translatable string)."""
    fields: ClassVar[tuple[str, ...]] = ()
    """The type's own fields in a definition, in the order the builder shows them."""
    items_field: ClassVar[str | None] = None
    """`options` or `rows` when the type lists items, else None."""
    items_label: ClassVar[Any] = None
    """The builder's label for the items list of this type."""
    condition: ClassVar[str | None] = None
    """How a later question may depend on an answer to this one: `equals`, `includes`."""

    # --- the definition (policy files and the builder) -------------------------------------

    @abstractmethod
    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        """Validate the type's fields of a raw definition into the stored `config`.

        Problems go to the checker, named by their path, so a file or a builder form names
        every field that is wrong at once.
        """

    def items(self, question: QuestionLike) -> list[dict[str, Any]]:
        """The question's options or rows ([{key, label}]); empty for types without items."""
        if self.items_field is None:
            return []
        return list(question.config.get(self.items_field) or [])

    def item_keys(self, question: QuestionLike) -> list[str]:
        return [item["key"] for item in self.items(question)]

    def signature(self, question: QuestionLike) -> tuple[Any, ...]:
        """What an answer means; once a survey has responses it may not change (wording may)."""
        return (self.code, tuple(sorted(self.item_keys(question))))

    def accepts_condition(self, question: QuestionLike, value: Any) -> bool:
        """Whether `value` is a possible answer a later question's condition may name."""
        return False

    def condition_value(self, typed: str) -> Any:
        """The condition value the builder's text field means for this type."""
        return typed

    @property
    def builder_fields(self) -> tuple[str, ...]:
        """The builder form fields of this type: its fields, the items as a text list."""
        names: list[str] = []
        for name in self.fields:
            names.extend(("items", "use_objectives") if name == self.items_field else (name,))
        return tuple(names)

    def builder_data(self, question: QuestionLike) -> dict[str, Any]:
        """What the builder form shows for the type's settings (numbers as people type them)."""
        return {
            name: _plain(question.config.get(name))
            for name in self.fields
            if name != self.items_field
        }

    # --- the answer page -------------------------------------------------------------------

    @property
    def template(self) -> str:
        """The answer-page inputs of a question of this type."""
        return f"surveys/types/{self.code}.html"

    @property
    def results_template(self) -> str:
        """The results table of a question of this type."""
        return f"surveys/types/{self.code}_results.html"

    @abstractmethod
    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        """The posted answer in the API's shape, or a problem the form itself makes possible."""

    def form_values(self, question: QuestionLike, value: Any) -> dict[str, str | list[str]]:
        """The inverse of `read_form`: what each input shows for a stored answer."""
        return {field_name(question): str(value)}

    # --- answers ---------------------------------------------------------------------------

    @abstractmethod
    def clean(self, question: QuestionLike, value: Any) -> Any:
        """The cleaned answer; raise ValueError with a message for the person if invalid."""

    @abstractmethod
    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        """The atomic `survey_answers` rows one cleaned answer is stored as."""

    # --- results ---------------------------------------------------------------------------

    @abstractmethod
    def empty_result(self, question: QuestionLike) -> Result:
        """The results of a question nobody answered: zeroes, never missing keys."""

    @abstractmethod
    def aggregate(self, questions: Sequence[Question], results: dict[str, Result]) -> None:
        """Fill in `results[key]` for these questions of this type, in one SQL query."""

    # --- the API ---------------------------------------------------------------------------

    def serialize(self, question: QuestionLike, lang: str) -> dict[str, Any]:
        """The type's part of a question in the API (options, scale, limits)."""
        return {}

    # --- exports ---------------------------------------------------------------------------

    def export_columns(self, question: QuestionLike) -> list[str]:
        """The spreadsheet column names of the question: one, or one per item."""
        return [question.key]

    @abstractmethod
    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        """One response's values for `export_columns`, from its answer rows (None if blank).

        `answer_rows` are the rows `rows()` gives, or `Answer.as_row()` of stored rows.
        """


def _plain(value: Any) -> Any:
    """1.0 as 1, for showing stored numbers the way people type them."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def localized_items(items: Sequence[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """Items with their labels in `lang` (English where untranslated), for the API."""
    return [{"key": item["key"], "label": localized(item["label"], lang)} for item in items]


def parse_items(
    c: Checker, raw: dict[str, Any], name: str, where: str, objectives: Objectives
) -> list[dict[str, Any]]:
    """A list of {key, label} items, or the section's objectives for `"objectives"`."""
    path = f"{where}.{name}"
    value = raw.get(name)
    if value == OBJECTIVES:
        if not objectives:
            c.fail(path, "the section has no objectives to list")
        return [{"key": key, "label": text} for key, text in objectives]
    if not isinstance(value, list) or not value:
        c.fail(path, f'must be a non-empty list of {{key, label}} tables or "{OBJECTIVES}"')
        return []
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        ipath = f"{path}[{i}]"
        if not isinstance(item, dict):
            c.fail(ipath, "must be a table with key and label")
            continue
        c.unknown(item, {"key", "label"}, ipath)
        key = c.string(item, "key", ipath, ITEM_KEY_RE, "a key of letters, digits, - or _")
        if key in seen:
            c.fail(f"{ipath}.key", f"duplicate key {key!r}")
        seen.add(key or "")
        label = c.text(item, "label", ipath, required=True)
        if key and label:
            items.append({"key": key, "label": label})
    return items


class OptionQuestion(QuestionType):
    """A choice among listed options (single, multiple, ranking)."""

    items_field = "options"
    items_label = _l("Options")

    def parse_options(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> list[dict[str, Any]]:
        return parse_items(c, raw, "options", where, objectives)

    def serialize(self, question: QuestionLike, lang: str) -> dict[str, Any]:
        data: dict[str, Any] = {"options": localized_items(self.items(question), lang)}
        for name in self.fields:
            if name != "options" and question.config.get(name) is not None:
                data[name] = question.config[name]
        return data


class ChoiceQuestion(OptionQuestion):
    """Options counted in the results: how many chose each (single, multiple)."""

    def empty_result(self, question: QuestionLike) -> Result:
        return {"counts": dict.fromkeys(self.item_keys(question), 0)}

    def aggregate(self, questions: Sequence[Question], results: dict[str, Result]) -> None:
        from sqlalchemy import func, select

        from consult.extensions import db
        from consult.surveys.models import Answer

        by_id = {q.id: q for q in questions}
        rows = db.session.execute(
            select(Answer.question_id, Answer.item_key, func.count())
            .where(Answer.question_id.in_(by_id))
            .group_by(Answer.question_id, Answer.item_key)
        ).all()
        for qid, item, n in rows:
            counts = results[by_id[qid].key]["counts"]
            counts[item] = counts.get(item, 0) + n


# --- the agreement scale, shared by likert and matrix ---------------------------------------


def empty_scale() -> Result:
    """The summary of a scale nobody rated yet."""
    return {
        "n": 0,
        "no_opinion": 0,
        "distribution": {str(i): 0 for i in SCALE},
        "mean": None,
    }


class ScaleQuestion(QuestionType):
    """Ratings from 1 (strongly disagree) to 5 (strongly agree), optionally "no opinion"."""

    def parse_no_opinion(self, c: Checker, raw: dict[str, Any], where: str) -> bool:
        return c.boolean(raw, "no_opinion", where, default=True)

    def signature(self, question: QuestionLike) -> tuple[Any, ...]:
        return (*super().signature(question), bool(question.config.get("no_opinion")))

    def scale_value(self, question: QuestionLike, value: Any) -> int | str:
        """One cleaned rating: 1–5, or "no-opinion" where the question offers it."""
        no_opinion = question.config.get("no_opinion", False)
        if is_int(value) and value in SCALE:
            return value
        if no_opinion and value == NO_OPINION:
            return value
        if no_opinion:
            raise ValueError(_("Choose 1 to 5, or “no opinion”."))
        raise ValueError(_("Choose 1 to 5."))

    @staticmethod
    def read_scale(raw: str | None) -> int | str | None:
        if not raw:
            return None
        if raw == NO_OPINION:
            return raw
        return int(raw) if raw.isdigit() else raw

    @staticmethod
    def scale_row(item_key: str | None, value: int | str) -> AnswerRow:
        if value == NO_OPINION:
            return {"item_key": item_key, "value_text": NO_OPINION}
        return {"item_key": item_key, "value_int": value}

    @staticmethod
    def row_rating(row: Mapping[str, Any]) -> int | str | None:
        if row.get("value_text") == NO_OPINION:
            return NO_OPINION
        return row.get("value_int")

    @abstractmethod
    def scales(self, result: Result) -> list[Result]:
        """The scale summaries inside one question's result (one, or one per row)."""

    @abstractmethod
    def scale_of(self, result: Result, item: str | None) -> Result:
        """The scale summary an answer row with `item` counts towards."""

    def serialize(self, question: QuestionLike, lang: str) -> dict[str, Any]:
        return {
            "scale": {"min": 1, "max": 5, "no_opinion": bool(question.config.get("no_opinion"))}
        }

    def aggregate(self, questions: Sequence[Question], results: dict[str, Result]) -> None:
        """Distribution, no-opinion count and mean of 1–5 per question (and per row)."""
        from sqlalchemy import case, func, select

        from consult.extensions import db
        from consult.surveys.models import Answer

        by_id = {q.id: q for q in questions}
        no_opinion = case((Answer.value_text == NO_OPINION, 1), else_=0)
        rows = db.session.execute(
            select(
                Answer.question_id,
                Answer.item_key,
                Answer.value_int,
                func.max(no_opinion),
                func.count(),
            )
            .where(Answer.question_id.in_(by_id))
            .group_by(Answer.question_id, Answer.item_key, Answer.value_int, no_opinion)
        ).all()
        for qid, item, value, is_no_opinion, n in rows:
            scale = self.scale_of(results[by_id[qid].key], item)
            if is_no_opinion:
                scale["no_opinion"] += n
            elif value is not None:
                scale["distribution"][str(value)] += n
                scale["n"] += n
                scale["_sum"] = scale.get("_sum", 0) + value * n
        for q in questions:
            for scale in self.scales(results[q.key]):
                total = scale.pop("_sum", None)
                scale["mean"] = round(total / scale["n"], 4) if scale["n"] and total else None
