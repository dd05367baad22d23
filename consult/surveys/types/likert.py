"""An agreement scale from 1 to 5, optionally with "no opinion"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from consult.core.datafile import Checker
from consult.surveys.types import register
from consult.surveys.types.base import (
    NO_OPINION,
    SCALE,
    AnswerRow,
    Objectives,
    QuestionLike,
    Result,
    ScaleQuestion,
    empty_scale,
    field_name,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict


@register
class Likert(ScaleQuestion):
    code = "likert"
    label = _l("Agreement scale, 1 to 5")
    fields = ("no_opinion",)
    condition = "equals"

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        return {"no_opinion": self.parse_no_opinion(c, raw, where)}

    def accepts_condition(self, question: QuestionLike, value: Any) -> bool:
        return value in SCALE or value == NO_OPINION

    def condition_value(self, typed: str) -> Any:
        return int(typed) if typed.isdigit() else typed

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        return self.read_scale(form.get(field_name(question))), None

    def clean(self, question: QuestionLike, value: Any) -> Any:
        return self.scale_value(question, value)

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [self.scale_row(None, value)]

    def empty_result(self, question: QuestionLike) -> Result:
        return empty_scale()

    def scales(self, result: Result) -> list[Result]:
        return [result]

    def scale_of(self, result: Result, item: str | None) -> Result:
        return result

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        return [self.row_rating(answer_rows[0]) if answer_rows else None]
