"""The registry of survey question types: one module per type, one line per module here.

Every place that treats question types differently asks the type object from `get_type`
(or `Question.question_type`), so adding a type is a new module in this package with a
`@register`-ed `QuestionType` subclass, plus its name in `MODULES`. See
docs/survey-question-types.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TypeVar

from consult.surveys.types.base import NO_OPINION, OBJECTIVES, QuestionType

__all__ = ["NO_OPINION", "OBJECTIVES", "QUESTION_TYPES", "TYPES", "QuestionType", "get_type"]

Q = TypeVar("Q", bound=type[QuestionType])

TYPES: dict[str, QuestionType] = {}


def register(cls: Q) -> Q:
    """Add a question type to the registry (a class decorator, used once per type module)."""
    if cls.code in TYPES:
        raise RuntimeError(f"question type {cls.code!r} is registered twice")
    TYPES[cls.code] = cls()
    return cls


def get_type(code: str) -> QuestionType:
    """The question type of a stored or parsed question; unknown codes are a LookupError.

    Stored questions always have a registered type (a CHECK constraint holds their codes);
    definitions are checked against `TYPES` before this is asked.
    """
    try:
        return TYPES[code]
    except KeyError:
        raise LookupError(f"no question type {code!r}") from None


# The registry, in the order the builder offers the types. One line per type module.
MODULES = (
    "likert",
    "matrix",
    "single",
    "multiple",
    "ranking",
    "text",
    "number",
)
for _module in MODULES:
    import_module(f"{__name__}.{_module}")

QUESTION_TYPES: tuple[str, ...] = tuple(TYPES)
"""The codes of every registered type; the CHECK constraint on `survey_questions.type`."""
