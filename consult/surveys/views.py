"""The survey page of a section: answer, change one's answers, see results."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.permissions import is_signed_in
from consult.core.i18n import localized
from consult.core.transaction import transaction
from consult.errors import DomainError, NotFound, ValidationError
from consult.policy import queries as policy_queries
from consult.policy.permissions import can_see_drafts
from consult.surveys import permissions, queries, services
from consult.surveys.answers import validate_answers
from consult.surveys.builder.forms import STATUS_LABELS
from consult.surveys.forms import form_values, parse_form
from consult.surveys.models import Question
from consult.surveys.types import NO_OPINION, TYPES

bp = Blueprint("surveys", __name__)


def _render(page, survey, response, values, errors, status=200, message=None):
    answered = response is not None
    # Every input's value(s) as a list of strings, whether from the store or a failed post.
    values = {k: v if isinstance(v, list) else [v] for k, v in values.items()}
    return render_template(
        "surveys/answer.html",
        page=page,
        policy=page.policy,
        section=page.section,
        survey=survey,
        questions=list(survey.questions),
        response=response,
        values=values,
        errors=errors,
        message=message,
        accepting=queries.is_accepting_responses(survey),
        results=queries.survey_results(survey)
        if permissions.can_see_results(current_user, survey, answered)
        else None,
    ), status


@bp.route("/policies/<policy>/sections/<section>/survey", methods=["GET", "POST"])
def answer(policy: str, section: str) -> ResponseReturnValue:
    """Show the survey (and one's answers and the results); save a first or changed response."""
    drafts = can_see_drafts(current_user)
    page = policy_queries.get_section_page(policy, section, include_drafts=drafts)
    survey = queries.get_section_survey(page.section, include_drafts=drafts)
    if survey is None:
        raise NotFound(_("This section has no survey."))
    participant = current_user.participant if is_signed_in(current_user) else None
    response = queries.get_response(survey, participant.id) if participant else None
    if request.method == "GET":
        values = form_values(survey.questions, response.answers) if response else {}
        return _render(page, survey, response, values, {})

    if participant is None:
        return redirect(url_for("accounts.login", next=request.path))
    answers, errors = parse_form(survey.questions, request.form)
    if errors:
        # Report every problem at once: check the rest too, the form's own errors first.
        try:
            validate_answers(
                survey.questions, {k: v for k, v in answers.items() if k not in errors}
            )
        except ValidationError as exc:
            errors = {**exc.fields, **errors}
    else:
        try:
            with transaction():
                if response is None:
                    services.submit_response(survey, participant, answers)
                else:
                    services.change_response(survey, participant, answers)
        except DomainError as exc:
            return _render(
                page,
                survey,
                response,
                request.form.to_dict(flat=False),
                dict(exc.fields),
                exc.status,
                exc.message,
            )
        flash(
            _("Thank you. Your answers are saved.")
            if response is None
            else _("Your answers are updated.")
        )
        return redirect(url_for("surveys.answer", policy=policy, section=section))
    return _render(
        page,
        survey,
        response,
        request.form.to_dict(flat=False),
        errors,
        422,
        _("Some answers need your attention."),
    )


def condition_label(target: Question, condition: dict[str, Any]) -> str:
    """How a condition's expected answer reads to a person (the option label, not its key)."""
    expected = condition.get("includes", condition.get("equals"))
    for item in target.question_type.items(target):
        if item["key"] == expected:
            return localized(item["label"])
    if expected == NO_OPINION:
        return _("No opinion")
    return str(expected)


@bp.app_context_processor
def survey_context() -> dict[str, Any]:
    """The surveys domain's one template context: its predicates, labels and types.

    App-wide, because base.html shows the builder link to those who may build surveys.
    """
    return {
        "scale_labels": {
            1: _("strongly disagree"),
            2: _("disagree"),
            3: _("neither agree nor disagree"),
            4: _("agree"),
            5: _("strongly agree"),
        },
        "condition_label": condition_label,
        "type_labels": {code: qtype.label for code, qtype in TYPES.items()},
        "status_labels": STATUS_LABELS,
    }
