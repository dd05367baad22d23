"""The survey builder's rules: create and change surveys and questions in the browser.

Every question the builder saves goes through `definitions.parse_question`, the function the
policy-file loader uses, and is stored by `services.apply_question`, which holds the
structural lock; so a survey cannot be valid in the builder and invalid in a file, and the
builder cannot change what existing answers mean. Functions flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _

from consult.accounts.models import User
from consult.core import audit
from consult.core.datafile import SLUG_RE, Checker, Text
from consult.core.models import utcnow
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from consult.policy.models import Section
from consult.surveys import queries, services
from consult.surveys.definitions import QuestionDef, parse_question
from consult.surveys.models import Question, Survey, SurveyRevision
from consult.surveys.permissions import can_build_surveys
from consult.surveys.queries import objectives_of

WHERE = "question"  # the path prefix of a question's problems; stripped before the edge


def _authorize(actor: User) -> None:
    if not can_build_surveys(actor):
        raise PermissionDenied(_("Only administrators can build surveys."))


def question_def(question: Question) -> QuestionDef:
    """A stored question as the parser's data class, for checking the questions after it."""
    return QuestionDef(
        question.key,
        question.type,
        question.prompt,
        question.help,
        question.required,
        question.config,
        question.condition,
    )


# --- problems, as people read them --------------------------------------------------------

_BETWEEN = re.compile(r"must be between (\S+) and (\S+), got")
_DUPLICATE_ITEM = re.compile(r"^duplicate key '(.*)'$")


def explain(path: str, message: str) -> str:
    """Say a parser problem (written for policy-file authors) in the builder's words.

    The parser's messages are English for file authors; the builder's are translated.
    """
    last = path.rsplit(".", 1)[-1]
    if message == "missing required field":
        if last == "prompt":
            return _("Write the question.")
        if last == "label":
            return _("Write a label after the |.")
        if last == "title":
            return _("Write a title.")
        return _("This is required.")
    if message in ("missing required English text", "must be non-empty text"):
        return _("Write the English text.")
    if message.startswith("must be a lowercase key such as"):
        return _("Use a lowercase key: a letter, then letters, digits, - or _ (for example q1).")
    if message.startswith("must be a lowercase slug"):
        return _("Use a lowercase key: letters and digits joined by single hyphens.")
    if message.startswith("must be a key of letters"):
        return _("Use a key of letters, digits, - or _ (for example A or yes).")
    if match := _DUPLICATE_ITEM.match(message):
        return _("The key %(key)s is used twice.", key=match.group(1))
    if message == "duplicate question key":
        return _("Another question of this survey uses this key.")
    if message == "the section has no objectives to list":
        return _("This section has no objectives to list.")
    if message.startswith("must be a non-empty list"):
        return _("Add at least one item, one per line.")
    if match := _BETWEEN.search(message):
        return _("Enter a whole number from %(low)s to %(high)s.", low=match[1], high=match[2])
    if message.startswith("must be a whole number"):
        return _("Enter a whole number.")
    if message.startswith("must be a number"):
        return _("Enter a number.")
    if message.startswith("must not be more than"):
        return _("The minimum must not be more than the maximum.")
    if message == "must name an earlier question of this survey":
        return _("Choose a question that comes before this one.")
    if message.startswith("must be an option of an earlier multiple-choice"):
        return _("Enter the key of one of that question's options.")
    if message.startswith("must be a possible answer"):
        return _(
            "Enter a possible answer of that question: an option key, 1 to 5 or no-opinion, "
            "or a number."
        )
    if message.startswith("needs exactly one of"):
        return _("Enter the expected answer.")
    if last == "type":
        return _("Choose a type of question.")
    if message == "unknown field":
        return _("This setting does not apply to this type of question.")
    return message


def _invalid(problems: list[tuple[str, str]], prefix: str = "") -> ValidationError:
    """One ValidationError whose fields are the problem paths (without `prefix`)."""
    fields: dict[str, str] = {}
    for path, message in problems:
        name = path.removeprefix(prefix) if prefix else path
        text = explain(path, message)
        fields[name] = f"{fields[name]} {text}" if name in fields else text
    return ValidationError(_("Some fields need your attention."), fields)


def _broken_conditions(
    raws: Sequence[dict[str, Any]],
    objectives: Sequence[tuple[str, Text]],
    earlier: dict[str, QuestionDef] | None = None,
) -> list[str]:
    """Keys of questions whose condition fails when parsed in this order, as the loader would.

    A condition must name an earlier question and one of its possible answers, so moving,
    removing or changing a question can break the condition of another.
    """
    defs = dict(earlier or {})
    broken: list[str] = []
    for raw in raws:
        checker = Checker()
        parsed = parse_question(checker, raw, WHERE, objectives, defs)
        if any(path.startswith(f"{WHERE}.condition") for path, _m in checker.problems):
            broken.append(raw["key"])
        if parsed is not None:
            defs[parsed.key] = parsed
    return broken


def _touch(survey: Survey) -> None:
    survey.updated_at = utcnow()
    db.session.flush()
    db.session.expire(survey, ["questions"])


# --- surveys -----------------------------------------------------------------------------


def _survey_text(
    checker: Checker, name: str, typed: str | None, old: Text | None, required: bool
) -> Text | None:
    """The English text the builder edits, keeping any other languages already stored."""
    raw = {name: {**(old or {}), "en": typed}} if typed and typed.strip() else {}
    return checker.text(raw, name, "", required=required)


def create_survey(
    actor: User,
    section: Section,
    key: str,
    title: str,
    intro: str | None,
    anonymous: bool,
    show_results: bool,
) -> Survey:
    """Create a draft survey for a section; one survey per section, keys unique per policy.

    Drafts are seen by administrators only, so a survey is built before anyone answers it.
    """
    _authorize(actor)
    if queries.get_section_survey(section, include_drafts=True) is not None:
        raise Conflict(_("This section already has a survey."))
    checker = Checker()
    checker.string({"key": key or None}, "key", "", SLUG_RE, "a lowercase slug")
    title_text = _survey_text(checker, "title", title, None, required=True)
    intro_text = _survey_text(checker, "intro", intro, None, required=False)
    taken = bool(key) and queries.get_policy_survey(section.policy_id, key) is not None
    problems = [(p.split(".")[0], m) for p, m in checker.problems]
    if checker.problems or taken:
        error = _invalid(problems)
        if taken:
            error.fields["key"] = _("Another survey of this policy uses this key.")
        raise error
    survey = Survey(
        policy_id=section.policy_id,
        section_id=section.id,
        key=key,
        title=title_text,
        intro=intro_text,
        status="draft",
        anonymous=anonymous,
        show_results=show_results,
        from_file=False,
    )
    db.session.add(survey)
    db.session.flush()
    audit.record(
        "survey.create",
        actor_id=actor.id,
        target_type="survey",
        target_id=survey.id,
        data={"key": key, "section": section.slug},
    )
    return survey


def update_survey_settings(
    actor: User,
    survey: Survey,
    title: str,
    intro: str | None,
    anonymous: bool,
    show_results: bool,
) -> list[str]:
    """Change a survey's wording and settings; anonymity is fixed once responses exist.

    Respondents were told how their answers are kept, so that promise cannot change after.
    """
    _authorize(actor)
    checker = Checker()
    title_text = _survey_text(checker, "title", title, survey.title, required=True)
    intro_text = _survey_text(checker, "intro", intro, survey.intro, required=False)
    if checker.problems:
        raise _invalid([(p.split(".")[0], m) for p, m in checker.problems])
    if anonymous != survey.anonymous and queries.count_responses(survey.id):
        raise services.SurveyLocked(
            _(
                "This survey already has responses: whether it is anonymous cannot change, "
                "because the people who answered were told how their answers are kept."
            ),
            {"anonymous": _("Locked: the survey has responses.")},
        )
    changes: list[str] = []
    for attr, value, wording in (
        ("title", title_text, True),
        ("intro", intro_text, True),
        ("anonymous", anonymous, False),
        ("show_results", show_results, False),
    ):
        if getattr(survey, attr) == value:
            continue
        setattr(survey, attr, value)
        changes.append(f"{attr} changed")
        if wording:
            db.session.add(
                SurveyRevision(survey_id=survey.id, field=attr, value=value, actor_id=actor.id)
            )
    if changes:
        audit.record(
            "survey.settings",
            actor_id=actor.id,
            target_type="survey",
            target_id=survey.id,
            data={"changes": changes},
        )
        _touch(survey)
    return changes


def change_survey_status(actor: User, survey: Survey, status: str) -> None:
    """Open, close or return a survey to draft; an empty survey cannot open.

    Opening a survey without questions would show people an empty page to answer.
    """
    _authorize(actor)
    if status == "open" and not survey.questions:
        raise ValidationError(
            _("Add at least one question before opening the survey."),
            {"status": _("The survey has no questions.")},
        )
    services.set_survey_status(survey, status, actor.id)
    _touch(survey)


# --- questions ---------------------------------------------------------------------------


def save_question(
    actor: User, survey: Survey, raw: dict[str, Any], editing: Question | None = None
) -> Question:
    """Add a question at the end, or change `editing`, through the loader's own rules.

    `raw` is the dict a policy file would hold for the question. Problems raise a
    ValidationError whose fields are paths inside the question (`options[2].key`,
    `condition.question`); a change to the type or options of a question that has been
    answered raises SurveyLocked, from `services.apply_question`.
    """
    _authorize(actor)
    live = list(survey.questions)
    if editing is not None:
        raw = {**raw, "key": editing.key}
        index = next(i for i, q in enumerate(live) if q.id == editing.id)
    else:
        index = len(live)
    others = [services.definition_of(q) for q in live[index + (editing is not None) :]]
    objectives = objectives_of(survey.section)
    earlier = {q.key: question_def(q) for q in live[:index]}

    checker = Checker()
    qdef = parse_question(checker, raw, WHERE, objectives, earlier)
    if editing is None and raw.get("key") in {q.key for q in live}:
        checker.fail(f"{WHERE}.key", "duplicate question key")
    if checker.problems or qdef is None:
        raise _invalid(checker.problems, f"{WHERE}.")
    broken = _broken_conditions(others, objectives, {**earlier, qdef.key: qdef})
    if broken:
        raise ValidationError(
            _(
                "Question %(keys)s is asked only after a certain answer to this question, and "
                "this change would make that answer impossible. Change that condition first.",
                keys=", ".join(broken),
            )
        )

    has_responses = queries.count_responses(survey.id) > 0
    position = editing.position if editing else max((q.position for q in live), default=0) + 1
    changes: list[str] = []
    question = services.apply_question(
        survey, qdef, position, has_responses, changes, actor_id=actor.id
    )
    if changes:
        audit.record(
            "survey.question.save",
            actor_id=actor.id,
            target_type="survey",
            target_id=survey.id,
            data={"question": qdef.key, "changes": changes},
        )
        _touch(survey)
    return question


def move_question(actor: User, survey: Survey, question: Question, direction: str) -> None:
    """Swap a question with its neighbour; a condition must still follow its question.

    Answers are validated in order, so a condition can only look at earlier answers.
    """
    _authorize(actor)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a question up or down."), {"direction": _("Not valid.")})
    order = list(survey.questions)
    i = order.index(question)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(order):
        return
    order[i], order[j] = order[j], order[i]
    broken = _broken_conditions(
        [services.definition_of(q) for q in order], objectives_of(survey.section)
    )
    if broken:
        raise ValidationError(
            _(
                "Question %(keys)s is asked only after an answer to an earlier question, so "
                "it must stay after that question.",
                keys=", ".join(broken),
            )
        )
    for position, q in enumerate(order, start=1):
        q.position = position
    audit.record(
        "survey.question.move",
        actor_id=actor.id,
        target_type="survey",
        target_id=survey.id,
        data={"question": question.key, "direction": direction, "order": [q.key for q in order]},
    )
    _touch(survey)


def remove_question(actor: User, survey: Survey, question: Question) -> None:
    """Retire a question; refused once the survey has responses or another depends on it.

    Answers to a removed question would lose their meaning, so the record keeps them all.
    """
    _authorize(actor)
    has_responses = queries.count_responses(survey.id) > 0
    remaining = [q for q in survey.questions if q.id != question.id]
    raws = [services.definition_of(q) for q in remaining]
    broken = [] if has_responses else _broken_conditions(raws, objectives_of(survey.section))
    if broken:
        raise ValidationError(
            _(
                "Question %(keys)s is asked only after an answer to this question. Change "
                "or remove that condition first.",
                keys=", ".join(broken),
            )
        )
    changes: list[str] = []
    services.retire_question(survey, question, has_responses, changes)
    audit.record(
        "survey.question.remove",
        actor_id=actor.id,
        target_type="survey",
        target_id=survey.id,
        data={"question": question.key, "changes": changes},
    )
    _touch(survey)
