"""The survey builder for administrators: each view loads, calls one service, commits once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.forms import error_status
from consult.core.transaction import form_transaction, transaction
from consult.errors import DomainError, NotFound, PermissionDenied
from consult.extensions import login_manager
from consult.surveys import permissions, queries
from consult.surveys.builder import services as builder
from consult.surveys.builder.forms import (
    ActionForm,
    AddQuestionForm,
    MoveForm,
    NewSurveyForm,
    QuestionForm,
    StatusForm,
    SurveySettingsForm,
)
from consult.surveys.models import Survey
from consult.surveys.types import TYPES

bp = Blueprint("survey_builder", __name__, url_prefix="/admin/surveys")


@bp.before_request
def require_builder():
    """Every page here is for administrators; others log in first or get a 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can_build_surveys(current_user):
        raise PermissionDenied(_("Only administrators can build surveys."))
    return None


@bp.get("/")
def index():
    return render_template("surveys/builder/index.html", policies=queries.list_builder_overview())


@bp.route("/new", methods=["GET", "POST"])
def new():
    section = queries.get_section(request.args.get("section", type=int))
    form = NewSurveyForm()
    status = 0
    if form.validate_on_submit():
        survey, status = form_transaction(
            form,
            lambda: builder.create_survey(
                current_user,
                section,
                (form.key.data or "").strip(),
                form.title.data,
                form.intro.data,
                form.anonymous.data,
                form.show_results.data,
            ),
        )
        if survey is not None:
            flash(_("The survey is created as a draft. Now add its questions."))
            return redirect(url_for(".edit", survey_id=survey.id))
    return render_template(
        "surveys/builder/new.html", form=form, section=section, policy=section.policy
    ), error_status(form, status)


def _survey_page(survey: Survey, form=None, status: int = 200, message: str | None = None):
    if form is None:
        form = SurveySettingsForm(
            formdata=None,
            data={
                "title": (survey.title or {}).get("en", ""),
                "intro": (survey.intro or {}).get("en", ""),
                "anonymous": survey.anonymous,
                "show_results": survey.show_results,
            },
        )
    return render_template(
        "surveys/builder/survey.html",
        survey=survey,
        section=survey.section,
        policy=survey.section.policy,
        questions=list(survey.questions),
        responses=queries.count_responses(survey.id),
        form=form,
        add_form=AddQuestionForm(formdata=None),
        message=message,
    ), status


def _load(survey_id: int) -> Survey:
    return queries.get_survey(survey_id, include_drafts=True)


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
def edit(survey_id: int):
    survey = _load(survey_id)
    if request.method == "GET":
        return _survey_page(survey)
    form = SurveySettingsForm()
    status = 0
    if form.validate_on_submit():
        changes, status = form_transaction(
            form,
            lambda: builder.update_survey_settings(
                current_user,
                survey,
                form.title.data,
                form.intro.data,
                form.anonymous.data,
                form.show_results.data,
            ),
        )
        if not status:
            flash(_("The settings are saved.") if changes else _("Nothing changed."))
            return redirect(url_for(".edit", survey_id=survey.id))
    return _survey_page(_load(survey_id), form, error_status(form, status))


def _question_page(survey, form, question=None, status=200):
    if form.errors and status == 200:
        status = 422
    return render_template(
        "surveys/builder/question.html",
        survey=survey,
        section=survey.section,
        policy=survey.section.policy,
        form=form,
        question=question,
        question_type=form.question_type,
        responses=queries.count_responses(survey.id),
    ), status


def _save_question(survey: Survey, form: QuestionForm, question=None):
    """Validate and save through the service; on problems, show the form with what was typed."""
    status = 200
    if form.validate_on_submit():
        try:
            with transaction():
                saved = builder.save_question(
                    current_user, survey, form.raw_question(question), editing=question
                )
        except DomainError as exc:
            form.apply_error(exc)
            status = exc.status
        else:
            flash(_("Question %(key)s is saved.", key=saved.key))
            return redirect(url_for(".edit", survey_id=survey.id, _anchor=f"question-{saved.key}"))
    return _question_page(survey, form, question, status)


@bp.route("/<int:survey_id>/questions/new", methods=["GET", "POST"])
def new_question(survey_id: int):
    survey = _load(survey_id)
    qtype = request.args.get("type", "likert")
    if qtype not in TYPES:
        raise NotFound(_("There is no such type of question."))
    form = QuestionForm(data={"type": qtype}, earlier=list(survey.questions))
    return _save_question(survey, form)


@bp.route("/<int:survey_id>/questions/<key>/edit", methods=["GET", "POST"])
def edit_question(survey_id: int, key: str):
    survey = _load(survey_id)
    question = queries.get_question(survey, key)
    earlier = [q for q in survey.questions if q.position < question.position]
    data = QuestionForm.data_of(question, queries.objectives_of(survey.section))
    form = QuestionForm(data=data, earlier=earlier)
    return _save_question(survey, form, question)


def _act(survey_id: int, form, action, success: str):
    """Run one POSTed action on a survey; a refusal shows the survey page with the reason."""
    if not form.validate_on_submit():
        abort(400)
    survey = _load(survey_id)
    try:
        with transaction():
            action(survey)
    except DomainError as exc:
        return _survey_page(_load(survey_id), status=exc.status, message=exc.message)
    flash(success)
    return redirect(url_for(".edit", survey_id=survey_id, _anchor="questions"))


@bp.post("/<int:survey_id>/questions/<key>/move")
def move_question(survey_id: int, key: str):
    form = MoveForm()
    return _act(
        survey_id,
        form,
        lambda s: builder.move_question(
            current_user, s, queries.get_question(s, key), form.direction.data
        ),
        _("Question %(key)s is moved.", key=key),
    )


@bp.post("/<int:survey_id>/questions/<key>/remove")
def remove_question(survey_id: int, key: str):
    return _act(
        survey_id,
        ActionForm(),
        lambda s: builder.remove_question(current_user, s, queries.get_question(s, key)),
        _("Question %(key)s is removed.", key=key),
    )


@bp.post("/<int:survey_id>/status")
def status(survey_id: int):
    form = StatusForm()
    messages = {
        "open": _("The survey is open for responses."),
        "closed": _("The survey is closed."),
        "draft": _("The survey is back to draft: only administrators can see it."),
    }
    return _act(
        survey_id,
        form,
        lambda s: builder.change_survey_status(current_user, s, form.status.data),
        messages.get(form.status.data or "", ""),
    )


@bp.get("/<int:survey_id>/preview")
def preview(survey_id: int):
    survey = _load(survey_id)
    return render_template(
        "surveys/builder/preview.html",
        survey=survey,
        section=survey.section,
        policy=survey.section.policy,
        questions=list(survey.questions),
    )
