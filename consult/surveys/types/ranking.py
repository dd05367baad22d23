"""Listed options put in order, all of them or only the top few."""

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
    OptionQuestion,
    QuestionLike,
    Result,
    field_name,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from consult.surveys.models import Question


@register
class Ranking(OptionQuestion):
    code = "ranking"
    label = _l("Ranking")
    fields = ("options", "top_n")

    def parse_config(
        self, c: Checker, raw: dict[str, Any], where: str, objectives: Objectives
    ) -> dict[str, Any]:
        options = self.parse_options(c, raw, where, objectives)
        return {
            "options": options,
            "top_n": c.integer(raw, "top_n", where, 1, max(len(options), 1)),
        }

    def read_form(self, question: QuestionLike, form: MultiDict) -> tuple[Any, str | None]:
        """Without JavaScript each item has a select of places: read them into an order."""
        ranks: dict[str, int] = {}
        error = None
        for k in self.item_keys(question):
            raw = form.get(field_name(question, k), "")
            if raw.isdigit():
                ranks[k] = int(raw)
            elif raw:
                error = _("Choose a place in the order for each item.")
        if len(set(ranks.values())) != len(ranks):
            error = _("Each place in the order can be used only once.")
        return [k for k, _rank in sorted(ranks.items(), key=lambda kv: kv[1])], error

    def form_values(self, question: QuestionLike, value: Any) -> dict[str, str | list[str]]:
        return {field_name(question, k): str(rank) for rank, k in enumerate(value, start=1)}

    def clean(self, question: QuestionLike, value: Any) -> Any:
        keys = self.item_keys(question)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Put the items in order."))
        if set(value) - set(keys):
            raise ValueError(_("Rank only the listed items."))
        if len(set(value)) != len(value):
            raise ValueError(_("Each item can have only one place in the order."))
        wanted = min(question.config.get("top_n") or len(keys), len(keys))
        if len(value) != wanted:
            if wanted == len(keys):
                raise ValueError(_("Rank all %(n)d items.", n=wanted))
            raise ValueError(_("Rank exactly %(n)d items.", n=wanted))
        return value

    def rows(self, question: QuestionLike, value: Any) -> list[AnswerRow]:
        return [{"item_key": k, "value_int": rank} for rank, k in enumerate(value, start=1)]

    def empty_result(self, question: QuestionLike) -> Result:
        return {
            "options": {
                k: {"ranked": 0, "mean_rank": None, "borda": 0} for k in self.item_keys(question)
            }
        }

    def aggregate(self, questions: Sequence[Question], results: dict[str, Result]) -> None:
        """Mean rank and Borda score per option: ranked r-th of N earns N − r points."""
        from sqlalchemy import func, select

        from consult.extensions import db
        from consult.surveys.models import Answer

        by_id = {q.id: q for q in questions}
        rows = db.session.execute(
            select(Answer.question_id, Answer.item_key, func.count(), func.sum(Answer.value_int))
            .where(Answer.question_id.in_(by_id))
            .group_by(Answer.question_id, Answer.item_key)
        ).all()
        for qid, item, n, rank_sum in rows:
            question = by_id[qid]
            n_items = len(self.items(question))
            results[question.key]["options"][item] = {
                "ranked": n,
                "mean_rank": round(rank_sum / n, 4) if n and rank_sum is not None else None,
                "borda": n * n_items - int(rank_sum or 0),
            }

    def export_columns(self, question: QuestionLike) -> list[str]:
        return [f"{question.key}.{k}" for k in self.item_keys(question)]

    def export_values(
        self, question: QuestionLike, answer_rows: Sequence[Mapping[str, Any]]
    ) -> list:
        """Each option's place (1 = first), None for options left unranked."""
        places = {row.get("item_key"): row.get("value_int") for row in answer_rows}
        return [places.get(k) for k in self.item_keys(question)]
