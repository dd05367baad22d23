"""Survey builder forms: shape checks, and turning a question form into a policy-file dict.

The forms never decide what a valid question is: `raw_question` builds the dict a policy
file would hold, and `builder.services.save_question` checks it with the loader's parser.
Which settings a question has comes from its type (`consult.surveys.types`): the form has
one field per setting of any type, named as in a policy file, and shows the type's own.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length, Optional
from wtforms.validators import ValidationError as FieldError

from consult.core.i18n import localized
from consult.errors import DomainError
from consult.surveys.models import SURVEY_STATUSES, Question
from consult.surveys.types import OBJECTIVES, TYPES, QuestionType

STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
# Form field of each top-level name the parser reports problems under.
FIELD_OF = {
    "rows": "items",
    "options": "items",
    "equals": "condition_value",
    "includes": "condition_value",
    "question": "condition_question",
    "condition": "condition_value",
}
_PATH = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<rest>.*))?$")


def type_choices() -> list[tuple[str, Any]]:
    """The registered question types, in registry order, for the type select."""
    return [(code, qtype.label) for code, qtype in TYPES.items()]


class SurveySettingsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300)])
    intro = TextAreaField(
        _l("Introduction (optional)"),
        validators=[Length(max=5000)],
        description=_l("Shown above the questions: what the survey is about, how long it takes."),
    )
    anonymous = BooleanField(_l("Anonymous: keep responses without a link to who answered"))
    show_results = BooleanField(
        _l("Show the results to respondents once they have answered"), default=True
    )
    submit = SubmitField(_l("Save settings"))


class NewSurveyForm(SurveySettingsForm):
    key = StringField(
        _l("Key"),
        validators=[Length(max=80)],
        description=_l(
            "A short name for links and exports: lowercase letters and digits joined by "
            "hyphens, such as water-views. It cannot change later."
        ),
    )
    submit = SubmitField(_l("Create survey"))


class AddQuestionForm(FlaskForm):
    """Choose the type of a new question; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    type = SelectField(_l("Type of question"), choices=type_choices)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(("up", "down"))])


class StatusForm(FlaskForm):
    status = HiddenField(validators=[AnyOf(SURVEY_STATUSES)])


def _finite(form: Any, field: Any) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise FieldError(_("Enter a number."))


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [
        (n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()
    ]


class QuestionForm(FlaskForm):
    type = SelectField(
        _l("Type of question"),
        choices=type_choices,
        description=_l("After changing the type, save to see the settings of the new type."),
    )
    key = StringField(
        _l("Key"),
        validators=[Length(max=64)],
        description=_l(
            "A short name for exports: a lowercase letter, then letters, digits, - or _, "
            "such as q1. It cannot change later."
        ),
    )
    prompt = StringField(_l("Question"), validators=[Length(max=1000)])
    help = TextAreaField(
        _l("Help text (optional)"),
        validators=[Length(max=2000)],
        description=_l("Shown under the question, for example what the scale means."),
    )
    required = BooleanField(_l("An answer is required"))
    items = TextAreaField(
        _l("Items"),
        description=_l(
            "One per line: a key, a |, then the label, as in “A | Yes”. Keys are letters, "
            "digits, - or _. Once the survey has responses the keys cannot change; the "
            "labels can."
        ),
    )
    use_objectives = BooleanField(_l("Use this section's objectives as the items"))
    no_opinion = BooleanField(_l("Offer “no opinion”"), default=True)
    min_select = IntegerField(_l("Choose at least (optional)"), validators=[Optional()])
    max_select = IntegerField(_l("Choose at most (optional)"), validators=[Optional()])
    top_n = IntegerField(
        _l("Rank only the top (optional)"),
        validators=[Optional()],
        description=_l("Leave empty to have every item ranked."),
    )
    max_length = IntegerField(
        _l("Longest answer, in characters (optional)"),
        validators=[Optional()],
        description=_l("2,000 when left empty."),
    )
    min = FloatField(_l("Smallest number allowed (optional)"), validators=[Optional(), _finite])
    max = FloatField(_l("Largest number allowed (optional)"), validators=[Optional(), _finite])
    integer = BooleanField(_l("Whole numbers only"))
    condition_question = SelectField(
        _l("Ask only after this question (optional)"),
        validate_choice=False,
        description=_l("Only a question that comes before this one."),
    )
    condition_value = StringField(
        _l("…and only when its answer is"),
        validators=[Length(max=64)],
        description=_l(
            "An option key for a choice question (for multiple choice: when that option is "
            "among the answers), 1 to 5 or no-opinion for an agreement scale, or a number."
        ),
    )
    submit = SubmitField(_l("Save question"))

    def __init__(self, *args: Any, earlier: list[Question] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.earlier = {q.key: q for q in earlier or []}
        self.condition_question.choices = [("", _l("Always ask this question"))] + [
            (q.key, f"{q.key}: {localized(q.prompt)[:70]}") for q in earlier or []
        ]
        self.item_lines: list[int] = []
        if self.question_type and self.question_type.items_label:
            self.items.label.text = str(self.question_type.items_label)

    @property
    def question_type(self) -> QuestionType | None:
        """The type chosen in the form, None for a code no type has (a forged post)."""
        code = self.type.data
        return TYPES.get(code) if isinstance(code, str) else None

    def validate_items(self, field: Any) -> None:
        qtype = self.question_type
        if qtype is None or qtype.items_field is None or self.use_objectives.data:
            return
        bad = [n for n, line in _lines(field.data) if "|" not in line]
        if bad:
            raise FieldError(
                _(
                    "Line %(line)d: write the key, a |, then the label, as in “A | Yes”.",
                    line=bad[0],
                )
            )

    @classmethod
    def data_of(cls, question: Question, objectives: list[tuple[str, Any]]) -> dict[str, Any]:
        """What the form shows for a stored question (objectives: the section's pairs)."""
        qtype = question.question_type
        items = qtype.items(question)
        condition = question.condition or {}
        expected = condition.get("includes", condition.get("equals"))
        expected = _plain(expected)
        return {
            "type": question.type,
            "key": question.key,
            "prompt": localized(question.prompt, "en"),
            "help": localized(question.help, "en"),
            "required": question.required,
            "items": "\n".join(f"{i['key']} | {localized(i['label'], 'en')}" for i in items),
            "use_objectives": bool(items)
            and items == [{"key": k, "label": text} for k, text in objectives],
            **qtype.builder_data(question),
            "condition_question": condition.get("question", ""),
            "condition_value": "" if expected is None else str(expected),
        }

    def raw_question(self, existing: Question | None = None) -> dict[str, Any]:
        """The question as a policy file would declare it, keeping other languages' text.

        Only the settings of the chosen type are read: each is the form field of the same
        name, a checkbox meaning true or false, except the items, typed one per line.
        """
        qtype = self.question_type
        assert qtype is not None  # the type field's choices are the registered types
        raw: dict[str, Any] = {"key": (self.key.data or "").strip() or None, "type": qtype.code}
        raw["prompt"] = _text(self.prompt.data, existing.prompt if existing else None)
        raw["help"] = _text(self.help.data, existing.help if existing else None)
        raw["required"] = bool(self.required.data)
        for name in qtype.fields:
            if name == qtype.items_field:
                raw[name] = OBJECTIVES if self.use_objectives.data else self._items(existing)
            elif isinstance(self[name], BooleanField):
                raw[name] = bool(self[name].data)
            else:
                raw[name] = self[name].data
        raw["condition"] = self._condition()
        return {k: v for k, v in raw.items() if v is not None}

    def _items(self, existing: Question | None) -> list[dict[str, Any]]:
        old_items = existing.question_type.items(existing) if existing else []
        old = {i["key"]: i["label"] for i in old_items}
        items, self.item_lines = [], []
        for number, line in _lines(self.items.data):
            key, _bar, label = (part.strip() for part in line.partition("|"))
            item: dict[str, Any] = {"key": key}
            if label:
                item["label"] = _text(label, old.get(key))
            items.append(item)
            self.item_lines.append(number)
        return items

    def _condition(self) -> dict[str, Any] | None:
        target = (self.condition_question.data or "").strip()
        if not target:
            return None
        value: str = (self.condition_value.data or "").strip()
        question = self.earlier.get(target)
        if question is None:
            return {"question": target, "equals": value}
        kind = question.question_type
        if kind.condition == "includes":
            return {"question": target, "includes": value}
        return {"question": target, "equals": kind.condition_value(value)}

    def apply_error(self, exc: DomainError) -> None:
        """Put each problem under the field it concerns (item problems name their line)."""
        for path, message in exc.fields.items():
            match = _PATH.match(path)
            name = match["name"] if match else path
            if name == "questions":  # the structural lock, from services.apply_question
                qtype = self.question_type
                name = "items" if qtype and qtype.items_field else "type"
            if name == "condition" and match and match["rest"]:
                name = match["rest"].split(".")[0]
            name = FIELD_OF.get(name, name)
            if name == "items" and match and match["index"] is not None:
                index = int(match["index"])
                line = self.item_lines[index] if index < len(self.item_lines) else index + 1
                message = _("Line %(line)d: %(problem)s", line=line, problem=message)
            field = getattr(self, name, None) if name in self._fields else None
            if field is None or name == "submit":
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]
        if exc.message not in self.form_errors:
            self.form_errors.insert(0, exc.message)


def _plain(value: Any) -> Any:
    """1.0 as 1, for showing stored numbers the way people type them."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _text(typed: str | None, old: dict[str, str] | None) -> dict[str, str] | None:
    """English text as typed, with the other languages of the stored text kept."""
    typed = (typed or "").strip()
    if not typed:
        return None
    return {**(old or {}), "en": typed}
