"""One choice among listed options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core.datafile import Checker
from consult.surveys.types import register
from consult.surveys.types.base import (
    AnswerRow,
    ChoiceQuestion,
    Objectives,
    QuestionLike,
    field_name,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict


@register
class Single(ChoiceQuestion):
    code = "single"
    label = _l("Single choice")
    fields = ("options",)
    condition = "equals"

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        return {"options": self.parse_options(c, raw, where, objectives)}

    def accepts_condition(self, question: QuestionLike, value: Any) -> bool:
        return value in self.item_keys(question)

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        return form.get(field_name(question)) or None, None

    def clean(self, question: QuestionLike, value: Any) -> Any:
        if value not in self.item_keys(question):
            raise ValueError(_("Choose one of the options."))
        return value

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [{"item_key": value}]

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        return [answer_rows[0].get("item_key") if answer_rows else None]
