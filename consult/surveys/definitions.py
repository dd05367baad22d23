"""Survey definitions as plain data, validated the same way for files and the builder.

The loader reads `[[sections.surveys]]` tables of a policy file through `parse_survey`; the
browser builder turns its form into the same raw dict and calls the same function, so a
survey cannot be valid in one place and invalid in the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from consult.core.datafile import SLUG_RE, Checker, Text
from consult.surveys.models import SURVEY_STATUSES
from consult.surveys.types import QUESTION_TYPES, TYPES, QuestionType, get_type

QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
SURVEY_FIELDS = {"key", "title", "intro", "status", "anonymous", "show_results", "questions"}
COMMON_FIELDS = {"key", "type", "prompt", "help", "required", "condition"}


@dataclass(frozen=True)
class QuestionDef:
    """A parsed question: what `services.apply_question` stores."""

    key: str
    type: str
    prompt: Text
    help: Text | None
    required: bool
    config: dict[str, Any]
    condition: dict[str, Any] | None

    @property
    def question_type(self) -> QuestionType:
        return get_type(self.type)

    def item_keys(self) -> list[str]:
        """The keys of the question's options or rows."""
        return self.question_type.item_keys(self)

    def signature(self) -> tuple:
        """What an answer means: it may not change once responses exist (wording may)."""
        return self.question_type.signature(self)


@dataclass(frozen=True)
class SurveyDef:
    """A parsed survey with its questions, in order."""

    key: str
    title: Text
    intro: Text | None
    status: str
    anonymous: bool
    show_results: bool
    questions: tuple[QuestionDef, ...]


def parse_question(
    c: Checker,
    q: dict[str, Any],
    where: str,
    objectives: Sequence[tuple[str, Text]],
    earlier: dict[str, QuestionDef],
) -> QuestionDef | None:
    """Validate one question table; the type checks its own fields.

    `earlier` holds the questions before this one, the only ones a condition may name.
    """
    key = c.string(q, "key", where, QUESTION_KEY_RE, "a lowercase key such as q1 or ratings")
    code = q.get("type")
    qtype = TYPES.get(code) if isinstance(code, str) else None
    if qtype is None:
        c.fail(f"{where}.type", f"must be one of {', '.join(QUESTION_TYPES)}, got {code!r}")
        return None
    c.unknown(q, COMMON_FIELDS | set(qtype.fields), where)
    prompt = c.text(q, "prompt", where, required=True)
    help_text = c.text(q, "help", where, required=False)
    required = c.boolean(q, "required", where, default=False)
    config = qtype.parse_config(c, q, where, objectives)
    condition = _condition(c, q.get("condition"), f"{where}.condition", earlier)
    if key and prompt:
        return QuestionDef(key, qtype.code, prompt, help_text, required, config, condition)
    return None


def _condition(
    c: Checker, raw: Any, path: str, earlier: dict[str, QuestionDef]
) -> dict[str, Any] | None:
    """`{question, equals}` or `{question, includes}` on an earlier question's answer."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        c.fail(path, "must be a table {question, equals} or {question, includes}")
        return None
    c.unknown(raw, {"question", "equals", "includes"}, path)
    target = earlier.get(raw.get("question"))
    if target is None:
        c.fail(f"{path}.question", "must name an earlier question of this survey")
        return None
    if ("equals" in raw) == ("includes" in raw):
        c.fail(path, "needs exactly one of equals or includes")
        return None
    kind = target.question_type
    if "includes" in raw:
        if kind.condition != "includes" or not kind.accepts_condition(target, raw["includes"]):
            c.fail(f"{path}.includes", "must be an option of an earlier multiple-choice question")
            return None
        return {"question": target.key, "includes": raw["includes"]}
    value = raw["equals"]
    if kind.condition != "equals" or not kind.accepts_condition(target, value):
        answerable = [t.code for t in TYPES.values() if t.condition == "equals"]
        c.fail(
            f"{path}.equals",
            f"must be a possible answer of that ({', '.join(answerable[:-1])} or "
            f"{answerable[-1]}) question",
        )
        return None
    return {"question": target.key, "equals": value}


def parse_survey(
    c: Checker, raw: dict[str, Any], where: str, objectives: Sequence[tuple[str, Text]]
) -> SurveyDef | None:
    """Validate one survey table; problems go to `c`, named by their path."""
    c.unknown(raw, SURVEY_FIELDS, where)
    key = c.string(raw, "key", where, SLUG_RE, "a lowercase slug")
    title = c.text(raw, "title", where, required=True)
    intro = c.text(raw, "intro", where, required=False)
    status = raw.get("status", "open")
    if status not in SURVEY_STATUSES:
        c.fail(f"{where}.status", f"must be one of {', '.join(SURVEY_STATUSES)}")
    anonymous = c.boolean(raw, "anonymous", where, default=False)
    show_results = c.boolean(raw, "show_results", where, default=True)
    questions: dict[str, QuestionDef] = {}
    raw_questions = c.table_list(raw, "questions", where, required=True)
    if "questions" in raw and not raw_questions:
        c.fail(f"{where}.questions", "a survey needs at least one question")
    for i, q in enumerate(raw_questions):
        qwhere = f"{where}.questions[{i}]"
        parsed = parse_question(c, q, qwhere, objectives, questions)
        if parsed is None:
            continue
        if parsed.key in questions:
            c.fail(f"{qwhere}.key", f"duplicate question key {parsed.key!r}")
            continue
        questions[parsed.key] = parsed
    if key and title:
        return SurveyDef(
            key, title, intro, status, anonymous, show_results, tuple(questions.values())
        )
    return None


def parse_section_surveys(
    c: Checker,
    tables: list[dict[str, Any]],
    where: str,
    objectives: Sequence[tuple[str, Text]],
    state: dict[str, Any],
) -> tuple[SurveyDef, ...]:
    """The `[[sections.surveys]]` of one section (the policy loader's section-table hook).

    A section has at most one survey. `state` is shared by every section of the file, so a
    survey key is unique per policy.
    """
    seen: set[str] = state.setdefault("keys", set())
    surveys: list[SurveyDef] = []
    for k, raw in enumerate(tables):
        if k > 0:  # the section page links to its survey: a unique constraint holds it
            c.fail(f"{where}[{k}]", "a section has at most one survey")
        survey = parse_survey(c, raw, f"{where}[{k}]", objectives)
        if survey is not None:
            if survey.key in seen:
                c.fail(f"{where}[{k}].key", f"duplicate survey key {survey.key!r}")
            seen.add(survey.key)
            surveys.append(survey)
    return tuple(surveys)
