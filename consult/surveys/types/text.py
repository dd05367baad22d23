"""A written answer, up to a maximum length."""

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
    QuestionType,
    Result,
    field_name,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from consult.surveys.models import Question

DEFAULT_TEXT_LENGTH = 2000
MAX_TEXT_LENGTH = 10_000


@register
class Text(QuestionType):
    code = "text"
    label = _l("Written answer")
    fields = ("max_length",)

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        limit = c.integer(raw, "max_length", where, 1, MAX_TEXT_LENGTH)
        return {"max_length": limit or DEFAULT_TEXT_LENGTH}

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        return form.get(field_name(question), ""), None

    def clean(self, question: QuestionLike, value: Any) -> Any:
        """The text with Windows line ends and outer blanks removed; blank counts as no answer."""
        if not isinstance(value, str):
            raise ValueError(_("Write your answer as text."))
        if "\x00" in value or "\ufffd" in value:
            raise ValueError(_("The answer contains characters that cannot be stored."))
        value = value.replace("\r\n", "\n").strip()
        limit = question.config.get("max_length") or DEFAULT_TEXT_LENGTH
        if len(value) > limit:
            raise ValueError(
                _("Use at most %(max)d characters (now %(n)d).", max=limit, n=len(value))
            )
        return value

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [{"value_text": value}]

    def empty_result(self, question: QuestionLike) -> Result:
        return {"answers": 0}

    def aggregate(self, questions: Sequence[Question], results: dict[str, Result]) -> None:
        """How many wrote an answer (the texts themselves are read, not counted)."""
        from sqlalchemy import func, select

        from consult.extensions import db
        from consult.surveys.models import Answer

        by_id = {q.id: q for q in questions}
        rows = db.session.execute(
            select(Answer.question_id, func.count(Answer.id))
            .where(Answer.question_id.in_(by_id))
            .group_by(Answer.question_id)
        ).all()
        for qid, n in rows:
            results[by_id[qid].key]["answers"] = n

    def serialize(self, question: QuestionLike, lang: str) -> dict[str, Any]:
        limit = question.config.get("max_length")
        return {} if limit is None else {"max_length": limit}

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        return [answer_rows[0].get("value_text") if answer_rows else None]
