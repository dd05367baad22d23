"""The field-by-field layout of a hearing's paper form, shared by every way of filling it.

The printed form, the entry screen and the CSV template follow ONE order and use ONE set
of names, so a facilitator reads the paper top to bottom while typing, and a CSV column
is the entry screen's input of the same name:

1. the form number, then the profile: `form_number`, `name`, `show_name`, `province`,
   `stakeholder_group`, `gender`, `age_band`;
2. for each in-scope section, in document order: each objective's comment and stance
   (`<section>.<objective key>.comment`, `<section>.<objective key>.stance`), then a comment
   on the section as a whole (`<section>.comment`, `<section>.stance`), then the section's
   survey questions, `<survey key>.<question key>` or, for questions with items (matrix
   rows, ranking and multiple-choice options), `<survey key>.<question key>.<item key>`.

`from_fields` reads such flat fields (a posted form, a CSV row) into the API's shape for
`paper.check_paper_form`, and `error_fields` maps its error keys back onto the names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from consult.hearings.paper import Scope
from consult.policy.models import Objective, Section
from consult.surveys.forms import form_values, parse_form
from consult.surveys.models import Question, Survey

PROFILE_COLUMNS = (
    "form_number",
    "name",
    "show_name",
    "province",
    "stakeholder_group",
    "gender",
    "age_band",
)


@dataclass(frozen=True)
class Slot:
    """One comment box: on an objective, or on the section as a whole."""

    section: Section
    objective: Objective | None

    @property
    def base(self) -> str:
        return f"{self.section.slug}.{self.objective.key}" if self.objective else self.section.slug


@dataclass(frozen=True)
class Block:
    """One in-scope section of the form: its comment boxes, then its survey."""

    section: Section
    slots: list[Slot]
    survey: Survey | None

    @property
    def questions(self) -> list[Question]:
        return list(self.survey.questions) if self.survey else []


def blocks(scope: Scope) -> list[Block]:
    result = []
    for slug, section in scope.sections.items():
        slots = [Slot(section, o) for o in scope.objectives[slug].values()]
        slots.append(Slot(section, None))
        result.append(Block(section, slots, scope.surveys.get(slug)))
    return result


def question_columns(survey: Survey, question: Question) -> list[str]:
    """The CSV columns of one question: one, or one per item (`export_columns`)."""
    return [f"{survey.key}.{c}" for c in question.question_type.export_columns(question)]


def columns(scope: Scope) -> list[str]:
    """Every column of the CSV template, in the form's order."""
    names = list(PROFILE_COLUMNS)
    for block in blocks(scope):
        for slot in block.slots:
            names += [f"{slot.base}.comment", f"{slot.base}.stance"]
        for q in block.questions:
            names += question_columns(block.survey, q)
    return names


Getter = Callable[[str], str | None]


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value is None


def from_fields(
    scope: Scope, fields: MultiDict
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(data in the API's shape, service error key → field name, errors of the inputs).

    Empty comment boxes and surveys left blank are not part of the form.
    """
    get: Getter = fields.get
    data: dict[str, Any] = {
        "form_number": get("form_number") or None,
        "participant": {name: get(name) for name in PROFILE_COLUMNS[1:]},
        "comments": [],
        "responses": [],
    }
    names = {"form_number": "form_number"}
    names.update({f"participant.{n}": n for n in PROFILE_COLUMNS[1:]})
    errors: dict[str, str] = {}
    for block in blocks(scope):
        for slot in block.slots:
            body = get(f"{slot.base}.comment") or ""
            stance = (get(f"{slot.base}.stance") or "").strip()
            if not body.strip() and not stance:
                continue
            i = len(data["comments"])
            data["comments"].append(
                {
                    "section": slot.section.slug,
                    "objective": slot.objective.key if slot.objective else None,
                    "stance": stance or None,
                    "body": body,
                }
            )
            for part in ("section", "objective", "body"):
                names[f"comments.{i}.{part}"] = f"{slot.base}.comment"
            names[f"comments.{i}.stance"] = f"{slot.base}.stance"
        survey = block.survey
        if survey is None:
            continue
        prefix = f"{survey.key}."
        inputs = MultiDict()
        for name, value in fields.items(multi=True):
            if name.startswith(prefix):
                inputs.add("q." + name[len(prefix) :], value)
        answers, problems = parse_form(survey.questions, inputs)
        answers = {k: v for k, v in answers.items() if not _blank(v)}
        if not answers and not problems:
            continue
        i = len(data["responses"])
        data["responses"].append({"survey": survey.key, "answers": answers})
        names[f"responses.{i}.survey"] = survey.key
        for q in survey.questions:
            names[f"responses.{i}.{q.key}"] = f"{survey.key}.{q.key}"
        errors.update({f"{survey.key}.{k}": v for k, v in problems.items()})
    return data, names, errors


def error_fields(errors: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Service error keys as field names (unknown keys are kept as they are)."""
    result: dict[str, str] = {}
    for key, message in errors.items():
        result.setdefault(names.get(key, key), message)
    return result


def to_fields(scope: Scope, data: dict[str, Any]) -> dict[str, list[str]]:
    """A stored form (API shape) as the inputs' values, for the correction screen."""
    values: dict[str, list[str]] = {}
    if data.get("form_number") is not None:
        values["form_number"] = [str(data["form_number"])]
    for name, value in (data.get("participant") or {}).items():
        if name == "show_name":
            if value:
                values[name] = ["1"]
        elif value is not None:
            values[name] = [str(value)]
    for c in data.get("comments") or []:
        base = f"{c['section']}.{c['objective']}" if c.get("objective") else c["section"]
        values[f"{base}.comment"] = [c["body"]]
        if c.get("stance"):
            values[f"{base}.stance"] = [c["stance"]]
    for r in data.get("responses") or []:
        survey = scope.survey_by_ref(r["survey"])
        if survey is None:
            continue
        for name, value in form_values(survey.questions, r["answers"]).items():
            shown = value if isinstance(value, list) else [value]
            values[f"{survey.key}.{name[2:]}"] = [str(v) for v in shown]
    return values
