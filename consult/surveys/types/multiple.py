"""Any number of choices among listed options, optionally between a minimum and a maximum."""

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
class Multiple(ChoiceQuestion):
    code = "multiple"
    label = _l("Multiple choice")
    fields = ("options", "min_select", "max_select")
    condition = "includes"

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        options = self.parse_options(c, raw, where, objectives)
        n_items = len(options)
        low = c.integer(raw, "min_select", where, 0, max(n_items, 0))
        high = c.integer(raw, "max_select", where, 1, max(n_items, 1))
        if low is not None and high is not None and low > high:
            c.fail(f"{where}.min_select", "must not be more than max_select")
        return {"options": options, "min_select": low, "max_select": high}

    def accepts_condition(self, question: QuestionLike, value: Any) -> bool:
        return value in self.item_keys(question)

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        return form.getlist(field_name(question)), None

    def form_values(self, question: QuestionLike, value: Any) -> dict[str, str | list[str]]:
        return {field_name(question): list(value)}

    def clean(self, question: QuestionLike, value: Any) -> Any:
        keys = self.item_keys(question)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Choose from the options."))
        if set(value) - set(keys):
            raise ValueError(_("Choose from the options."))
        if len(set(value)) != len(value):
            raise ValueError(_("Each option can be chosen once."))
        low, high = question.config.get("min_select"), question.config.get("max_select")
        if low is not None and len(value) < low:
            raise ValueError(_("Choose at least %(n)d.", n=low))
        if high is not None and len(value) > high:
            raise ValueError(_("Choose at most %(n)d.", n=high))
        return [k for k in keys if k in value]

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [{"item_key": k} for k in value]

    def export_columns(self, question: QuestionLike) -> list[str]:
        return [f"{question.key}.{k}" for k in self.item_keys(question)]

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        """1 for each chosen option and 0 for the others; all None when not answered."""
        keys = self.item_keys(question)
        if not answer_rows:
            return [None] * len(keys)
        chosen = {row.get("item_key") for row in answer_rows}
        return [1 if k in chosen else 0 for k in keys]
