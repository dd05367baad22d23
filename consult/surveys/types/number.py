"""A number, optionally whole and between a minimum and a maximum."""

from __future__ import annotations

import math
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
    QuestionType,
    Result,
    field_name,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from consult.surveys.models import Question


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


@register
class Number(QuestionType):
    code = "number"
    label = _l("Number")
    fields = ("min", "max", "integer")
    condition = "equals"

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        low, high = c.number(raw, "min", where), c.number(raw, "max", where)
        if low is not None and high is not None and low > high:
            c.fail(f"{where}.min", "must not be more than max")
        return {"min": low, "max": high, "integer": c.boolean(raw, "integer", where, default=False)}

    def signature(self, question: QuestionLike) -> tuple[Any, ...]:
        cfg = question.config
        return (
            *super().signature(question),
            cfg.get("min"),
            cfg.get("max"),
            bool(cfg.get("integer")),
        )

    def accepts_condition(self, question: QuestionLike, value: Any) -> bool:
        return isinstance(value, int | float)

    def condition_value(self, typed: str) -> Any:
        try:
            number = float(typed.replace(",", ""))
        except ValueError:
            return typed
        return int(number) if number.is_integer() else number

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        """Thousands separators are allowed; "1,500" is 1500."""
        raw = form.get(field_name(question), "").strip().replace(",", "")
        if not raw:
            return None, None
        try:
            number = float(raw)
        except ValueError:
            return None, _("Enter a number.")
        return int(number) if number.is_integer() else number, None

    def clean(self, question: QuestionLike, value: Any) -> Any:
        cfg = question.config
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(_("Enter a number."))
        if cfg.get("integer") and not float(value).is_integer():
            raise ValueError(_("Enter a whole number."))
        if cfg.get("min") is not None and value < cfg["min"]:
            raise ValueError(_("Enter %(min)s or more.", min=_fmt(cfg["min"])))
        if cfg.get("max") is not None and value > cfg["max"]:
            raise ValueError(_("Enter %(max)s or less.", max=_fmt(cfg["max"])))
        return int(value) if cfg.get("integer") else value

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [{"value_num": float(value)}]

    def empty_result(self, question: QuestionLike) -> Result:
        return {"n": 0, "mean": None, "min": None, "max": None}

    def aggregate(self, questions: Sequence[Question], results: dict[str, Result]) -> None:
        """Count, mean, smallest and largest answer per question."""
        from sqlalchemy import func, select

        from consult.extensions import db
        from consult.surveys.models import Answer

        by_id = {q.id: q for q in questions}
        rows = db.session.execute(
            select(
                Answer.question_id,
                func.count(Answer.id),
                func.avg(Answer.value_num),
                func.min(Answer.value_num),
                func.max(Answer.value_num),
            )
            .where(Answer.question_id.in_(by_id))
            .group_by(Answer.question_id)
        ).all()
        for qid, n, avg, low, high in rows:
            results[by_id[qid].key].update(
                n=n, mean=round(float(avg), 4) if avg is not None else None, min=low, max=high
            )

    def serialize(self, question: QuestionLike, lang: str) -> dict[str, Any]:
        return {
            name: question.config[name]
            for name in self.fields
            if question.config.get(name) is not None
        }

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        if not answer_rows or answer_rows[0].get("value_num") is None:
            return [None]
        value = answer_rows[0]["value_num"]
        return [int(value) if question.config.get("integer") else value]
