"""An agreement scale for several items at once (a grid): one rating per row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core.datafile import Checker
from consult.surveys.types import register
from consult.surveys.types.base import (
    AnswerRow,
    Objectives,
    QuestionLike,
    Result,
    ScaleQuestion,
    empty_scale,
    field_name,
    localized_items,
    parse_items,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict


@register
class Matrix(ScaleQuestion):
    code = "matrix"
    label = _l("Agreement scale for several items (a grid)")
    fields = ("rows", "no_opinion")
    items_field = "rows"
    items_label = _l("Rows of the grid")

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        no_opinion = self.parse_no_opinion(c, raw, where)
        return {"no_opinion": no_opinion, "rows": parse_items(c, raw, "rows", where, objectives)}

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        ratings = {
            k: self.read_scale(form.get(field_name(question, k))) for k in self.item_keys(question)
        }
        return {k: v for k, v in ratings.items() if v is not None}, None

    def form_values(self, question: QuestionLike, value: Any) -> dict[str, str | list[str]]:
        return {field_name(question, k): str(v) for k, v in value.items()}

    def clean(self, question: QuestionLike, value: Any) -> Any:
        keys = self.item_keys(question)
        if not isinstance(value, dict):
            raise ValueError(_("Rate each item."))
        unknown = set(value) - set(keys)
        if unknown:
            raise ValueError(_("Unknown item: %(items)s.", items=", ".join(sorted(unknown))[:80]))
        cleaned = {k: self.scale_value(question, v) for k, v in value.items()}
        if question.required and len(cleaned) < len(keys):
            raise ValueError(
                _("Rate every item (%(n)d of %(total)d done).", n=len(cleaned), total=len(keys))
            )
        return {k: cleaned[k] for k in keys if k in cleaned}

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [self.scale_row(k, v) for k, v in value.items()]

    def empty_result(self, question: QuestionLike) -> Result:
        return {"rows": {k: empty_scale() for k in self.item_keys(question)}}

    def scales(self, result: Result) -> list[Result]:
        return list(result["rows"].values())

    def scale_of(self, result: Result, item: str | None) -> Result:
        return result["rows"].setdefault(item, empty_scale())

    def serialize(self, question: QuestionLike, lang: str) -> dict[str, Any]:
        return {
            "rows": localized_items(self.items(question), lang),
            **super().serialize(question, lang),
        }

    def export_columns(self, question: QuestionLike) -> list[str]:
        return [f"{question.key}.{k}" for k in self.item_keys(question)]

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        by_item = {row.get("item_key"): self.row_rating(row) for row in answer_rows}
        return [by_item.get(k) for k in self.item_keys(question)]
