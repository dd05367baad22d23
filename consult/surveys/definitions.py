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

QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
ITEM_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
QUESTION_TYPES = ("likert", "matrix", "single", "multiple", "ranking", "text", "number")
SURVEY_STATUSES = ("draft", "open", "closed")
SURVEY_FIELDS = {"key", "title", "intro", "status", "anonymous", "show_results", "questions"}
COMMON_FIELDS = {"key", "type", "prompt", "help", "required", "condition"}
TYPE_FIELDS: dict[str, set[str]] = {
    "likert": {"no_opinion"},
    "matrix": {"rows", "no_opinion"},
    "single": {"options"},
    "multiple": {"options", "min_select", "max_select"},
    "ranking": {"options", "top_n"},
    "text": {"max_length"},
    "number": {"min", "max", "integer"},
}
DEFAULT_TEXT_LENGTH = 2000
MAX_TEXT_LENGTH = 10_000
OBJECTIVES = "objectives"  # shorthand: one item per objective of the section, keyed by its key


@dataclass(frozen=True)
class QuestionDef:
    key: str
    type: str
    prompt: Text
    help: Text | None
    required: bool
    config: dict[str, Any]
    condition: dict[str, Any] | None

    def item_keys(self) -> list[str]:
        return [item["key"] for item in self.config.get("options") or self.config.get("rows") or []]

    def signature(self) -> tuple:
        """What an answer means: it may not change once responses exist (wording may)."""
        return structure_signature(self.type, self.config)


@dataclass(frozen=True)
class SurveyDef:
    key: str
    title: Text
    intro: Text | None
    status: str
    anonymous: bool
    show_results: bool
    questions: tuple[QuestionDef, ...]


def structure_signature(qtype: str, config: dict[str, Any]) -> tuple:
    items = tuple(sorted(i["key"] for i in config.get("options") or config.get("rows") or []))
    return (
        qtype,
        items,
        bool(config.get("no_opinion")),
        config.get("min"),
        config.get("max"),
        bool(config.get("integer")),
    )


def _items(
    c: Checker, q: dict[str, Any], name: str, where: str, objectives: Sequence[tuple[str, Text]]
) -> list[dict[str, Any]]:
    path = f"{where}.{name}"
    raw = q.get(name)
    if raw == OBJECTIVES:
        if not objectives:
            c.fail(path, "the section has no objectives to list")
        return [{"key": key, "label": text} for key, text in objectives]
    if not isinstance(raw, list) or not raw:
        c.fail(path, f'must be a non-empty list of {{key, label}} tables or "{OBJECTIVES}"')
        return []
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
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


def parse_question(
    c: Checker,
    q: dict[str, Any],
    where: str,
    objectives: Sequence[tuple[str, Text]],
    earlier: dict[str, QuestionDef],
) -> QuestionDef | None:
    key = c.string(q, "key", where, QUESTION_KEY_RE, "a lowercase key such as q1 or ratings")
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        c.fail(f"{where}.type", f"must be one of {', '.join(QUESTION_TYPES)}, got {qtype!r}")
        return None
    c.unknown(q, COMMON_FIELDS | TYPE_FIELDS[qtype], where)
    prompt = c.text(q, "prompt", where, required=True)
    help_text = c.text(q, "help", where, required=False)
    required = c.boolean(q, "required", where, default=False)
    config: dict[str, Any] = {}
    if qtype in ("likert", "matrix"):
        config["no_opinion"] = c.boolean(q, "no_opinion", where, default=True)
    if qtype == "matrix":
        config["rows"] = _items(c, q, "rows", where, objectives)
    if qtype in ("single", "multiple", "ranking"):
        config["options"] = _items(c, q, "options", where, objectives)
    n_items = len(config.get("options", []))
    if qtype == "multiple":
        low = c.integer(q, "min_select", where, 0, max(n_items, 0))
        high = c.integer(q, "max_select", where, 1, max(n_items, 1))
        if low is not None and high is not None and low > high:
            c.fail(f"{where}.min_select", "must not be more than max_select")
        config["min_select"], config["max_select"] = low, high
    if qtype == "ranking":
        config["top_n"] = c.integer(q, "top_n", where, 1, max(n_items, 1))
    if qtype == "text":
        config["max_length"] = (
            c.integer(q, "max_length", where, 1, MAX_TEXT_LENGTH) or DEFAULT_TEXT_LENGTH
        )
    if qtype == "number":
        low, high = c.number(q, "min", where), c.number(q, "max", where)
        if low is not None and high is not None and low > high:
            c.fail(f"{where}.min", "must not be more than max")
        config.update(min=low, max=high, integer=c.boolean(q, "integer", where, default=False))

    condition = _condition(c, q.get("condition"), f"{where}.condition", earlier)
    if key and prompt:
        return QuestionDef(key, qtype, prompt, help_text, required, config, condition)
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
    if "includes" in raw:
        if target.type != "multiple" or raw["includes"] not in target.item_keys():
            c.fail(f"{path}.includes", "must be an option of an earlier multiple-choice question")
            return None
        return {"question": target.key, "includes": raw["includes"]}
    value = raw["equals"]
    valid = (
        (target.type == "single" and value in target.item_keys())
        or (target.type == "likert" and (value in (1, 2, 3, 4, 5) or value == "no-opinion"))
        or (target.type == "number" and isinstance(value, int | float))
    )
    if not valid:
        c.fail(
            f"{path}.equals",
            "must be a possible answer of that (single, likert or number) question",
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

    `state` is shared by every section of the file, so a survey key is unique per policy.
    """
    seen: set[str] = state.setdefault("keys", set())
    surveys: list[SurveyDef] = []
    for k, raw in enumerate(tables):
        survey = parse_survey(c, raw, f"{where}[{k}]", objectives)
        if survey is not None:
            if survey.key in seen:
                c.fail(f"{where}[{k}].key", f"duplicate survey key {survey.key!r}")
            seen.add(survey.key)
            surveys.append(survey)
    return tuple(surveys)
