"""Pages of a hearing in the hall: joining with the code, taking part, and the projector.

Participants (blueprint `join`): `/join` asks for the code, `/join/<code>` takes the
profile and starts the attendee session (`participation.session_value`), and the pages
under `/join/<code>/` show the in-scope sections with a comment form and their open
survey. Every one of those requests looks the hearing up again and asks
`permissions.attendee_refusal`, so once the hearing closes the pages say so, the session
is dropped and nothing posts. They are never cached (`Cache-Control: no-store`): phones
in a hall are often shared.

Facilitators (on the `hearings` blueprint): the projector view and its counters.

Thin, like every edge: load, authorize, validate, one service call in the one transaction
edge, redirect.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from consult.accounts.models import Participant
from consult.core.forms import error_status
from consult.core.transaction import form_transaction, transaction
from consult.core.urls import external_url
from consult.errors import DomainError, NotFound, PermissionDenied
from consult.extensions import limiter
from consult.hearings import participation, permissions, queries
from consult.hearings.join_forms import AttendeeCommentForm, JoinCodeForm, JoinForm, new_key
from consult.hearings.models import Hearing
from consult.hearings.qr import qr_svg
from consult.hearings.views import bp as hearings_bp
from consult.hearings.views import signed_in
from consult.policy.models import Section
from consult.surveys.answers import validate_answers
from consult.surveys.forms import parse_form
from consult.surveys.models import Survey

bp = Blueprint("join", __name__, url_prefix="/join")


def _attendee_key() -> str:
    """The attendee this browser's (signed) session names, else the client address.

    Per attendee, because a hall posts from one NAT address; the session cookie is signed,
    so nobody can spend another attendee's allowance.
    """
    value = session.get(participation.SESSION_KEY)
    if isinstance(value, dict) and isinstance(value.get("p"), int):
        return f"attendee:{value['p']}"
    return f"ip:{get_remote_address()}"


# One bucket for comments and survey answers, like an account's posting limit.
attendee_posting_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_ATTENDEE_POSTING"],
    scope="attendee-posting",
    key_func=_attendee_key,
    methods=["POST"],
)


@bp.after_request
def never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


class _NotTakingPart(Exception):
    """The hearing is not open, or this browser has not joined it: answered by a page."""

    def __init__(self, response: Any) -> None:
        self.response = response


@bp.errorhandler(_NotTakingPart)
def _answer(exc: _NotTakingPart):
    return exc.response


def _done(location: str):
    """After a write: redirect (POST-redirect-GET); the offline script gets the place as JSON.

    The script sends `X-Hearing-Offline`; following a redirect inside `fetch` would spend
    the flashed thank-you on a page nobody sees, so it navigates there itself.
    """
    if request.headers.get("X-Hearing-Offline"):
        return jsonify({"location": location})
    return redirect(location)


def _hearing(code: str) -> Hearing:
    hearing = queries.get_by_join_code(code)
    if hearing is None or not permissions.can_see(current_user, hearing):
        raise NotFound(_("No hearing has this join code. Check the code on the screen."))
    return hearing


def _not_open(hearing: Hearing, status: int) -> tuple[str, int]:
    """The page of a hearing that takes no contributions now; its attendee session ends."""
    if (session.get(participation.SESSION_KEY) or {}).get("h") == hearing.id:
        session.pop(participation.SESSION_KEY)
    refusal = permissions.attendee_refusal(hearing)
    return render_template("hearings/join/not_open.html", hearing=hearing, refusal=refusal), status


def _taking_part(code: str) -> tuple[Hearing, Participant]:
    """The open hearing and this browser's attendee, or the page that says why not."""
    hearing = _hearing(code)
    if not hearing.is_open:
        raise _NotTakingPart(_not_open(hearing, 403))
    participant = participation.resolve_session(session.get(participation.SESSION_KEY), hearing)
    if participant is None:
        flash(_("Join the hearing first: it takes a moment."))
        raise _NotTakingPart(redirect(url_for("join.start", code=hearing.join_code)))
    return hearing, participant


@bp.get("")
def enter():
    """Ask for the code; a typed code goes to its hearing's join page."""
    form = JoinCodeForm(request.args)
    status = 200
    if request.args.get("code") is not None:
        hearing = queries.get_by_join_code(form.code.data)
        if hearing is not None and permissions.can_see(current_user, hearing):
            return redirect(url_for("join.start", code=hearing.join_code))
        form.code.errors = [_("No hearing has this join code. Check the code on the screen.")]
        status = 404
    return render_template("hearings/join/enter.html", form=form), status


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_JOIN"], methods=["POST"])
def start(code: str):
    """The join form: an optional profile, then the attendee session starts."""
    hearing = _hearing(code)
    if not hearing.is_open:
        return _not_open(hearing, 200 if request.method == "GET" else 409)
    if participation.resolve_session(session.get(participation.SESSION_KEY), hearing):
        return redirect(url_for("join.home", code=hearing.join_code))
    form = JoinForm().for_hearing(hearing)
    status = 0
    if form.validate_on_submit():
        participant, status = form_transaction(
            form,
            lambda: participation.join_hearing(
                hearing, form.profile_data(), form.idempotency_key.data
            ),
        )
        if participant is not None:
            session[participation.SESSION_KEY] = participation.session_value(participant, hearing)
            flash(_("Welcome. You are taking part in %(hearing)s.", hearing=hearing.title))
            return _done(url_for("join.home", code=hearing.join_code))
    page = render_template("hearings/join/start.html", hearing=hearing, form=form)
    return page, error_status(form, status)


@bp.get("/<code>/take-part")
def home(code: str):
    """The hearing's sections in scope, each a link to its comment form and survey."""
    hearing, participant = _taking_part(code)
    return render_template("hearings/join/home.html", hearing=hearing, participant=participant)


def _section_page(hearing: Hearing, section: Section, form: AttendeeCommentForm, status: int):
    survey = participation.open_survey(section)
    return render_template(
        "hearings/join/section.html",
        hearing=hearing,
        section=section,
        form=form,
        survey=survey,
    ), error_status(form, status)


@bp.route("/<code>/sections/<section>", methods=["GET", "POST"])
@attendee_posting_limit
def section(code: str, section: str):
    """A section's objectives and the comment form; a comment posts with channel hearing."""
    hearing, participant = _taking_part(code)
    target = participation.in_scope_section(hearing, section)
    form = AttendeeCommentForm(objective=request.args.get("about", ""))
    form.set_objectives(target.objectives)
    status = 0
    if form.validate_on_submit():
        result, status = form_transaction(
            form,
            lambda: participation.post_comment(
                hearing, participant, target, form.data, form.idempotency_key.data
            ),
        )
        if result is not None:
            flash(
                _("Thank you: your comment is in the record.")
                if result.body["status"] == "published"
                else _("Thank you: your comment will appear once a moderator has read it.")
            )
            return _done(url_for("join.section", code=hearing.join_code, section=target.slug))
    return _section_page(hearing, target, form, status)


def _survey_page(hearing, section, survey, participant, values, errors, status=200, message=None):
    values = {k: v if isinstance(v, list) else [v] for k, v in values.items()}
    return render_template(
        "hearings/join/survey.html",
        hearing=hearing,
        section=section,
        survey=survey,
        questions=list(survey.questions),
        answered=participation.has_answered(survey, participant),
        values=values,
        errors=errors,
        message=message,
        idempotency_key=request.form.get("idempotency_key") or new_key(),
    ), status


@bp.errorhandler(429)
def _posting_too_fast(_exc: Exception):
    """Past the attendee's posting limit: the same form again with what they wrote, and a
    message, never a bare error page that loses the text (the offline script, with
    JavaScript on, keeps the submission on the phone and sends it again later)."""
    message = _(
        "You are posting too quickly. Wait a minute, then send it again; your text is kept below."
    )
    args = request.view_args or {}
    if request.endpoint == "join.start":  # the join form, past the hall's generous limit
        hearing = _hearing(args.get("code", ""))
        form = JoinForm().for_hearing(hearing)
        form.form_errors.append(message)
        return render_template("hearings/join/start.html", hearing=hearing, form=form), 429
    try:
        hearing, participant = _taking_part(args.get("code", ""))
    except _NotTakingPart as exc:
        return exc.response
    target = participation.in_scope_section(hearing, args.get("section", ""))
    if request.endpoint == "join.survey":
        found = participation.open_survey(target)
        if found is not None:
            typed = request.form.to_dict(flat=False)
            return _survey_page(hearing, target, found, participant, typed, {}, 429, message)
    form = AttendeeCommentForm()
    form.set_objectives(target.objectives)
    form.form_errors.append(message)
    return _section_page(hearing, target, form, 429)


@bp.route("/<code>/sections/<section>/survey", methods=["GET", "POST"])
@attendee_posting_limit
def survey(code: str, section: str):
    """The section's open survey; answers are checked per question and kept on errors."""
    hearing, participant = _taking_part(code)
    target = participation.in_scope_section(hearing, section)
    found: Survey | None = participation.open_survey(target)
    if found is None:
        raise NotFound(_("This section has no survey taking responses now."))
    if request.method == "GET":
        return _survey_page(hearing, target, found, participant, {}, {})
    typed = request.form.to_dict(flat=False)
    answers, errors = parse_form(found.questions, request.form)
    if errors:
        try:  # every problem at once: check the rest too, the form's own errors first
            validate_answers(found.questions, {k: v for k, v in answers.items() if k not in errors})
        except DomainError as exc:
            errors = {**exc.fields, **errors}
        message = _("Some answers need your attention.")
        return _survey_page(hearing, target, found, participant, typed, errors, 422, message)
    try:
        with transaction():
            participation.submit_response(
                hearing, participant, target, answers, request.form.get("idempotency_key")
            )
    except DomainError as exc:
        errors = dict(exc.fields)
        return _survey_page(
            hearing, target, found, participant, typed, errors, exc.status, exc.message
        )
    flash(_("Thank you. Your answers are saved."))
    return _done(url_for("join.section", code=hearing.join_code, section=target.slug))


@bp.post("/<code>/leave")
def leave(code: str):
    """End this browser's attendee session (a shared phone handed on)."""
    hearing = _hearing(code)
    session.pop(participation.SESSION_KEY, None)
    flash(_("You have left the hearing on this device."))
    return redirect(url_for("join.start", code=hearing.join_code))


# --- facilitators: the projector ----------------------------------------------------------


def _managed(hearing_id: int) -> Hearing:
    hearing = queries.get_hearing(hearing_id)
    refusal = permissions.manage_refusal(current_user, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    return hearing


@hearings_bp.get("/<int:hearing_id>/projector")
@signed_in
def projector(hearing_id: int):
    """The big screen: join code, join URL, its QR code and the live counters."""
    hearing = _managed(hearing_id)
    join_url = external_url("join.start", code=hearing.join_code)
    return render_template(
        "hearings/projector.html",
        hearing=hearing,
        join_url=join_url,
        qr=qr_svg(join_url, _("QR code: open %(url)s to join", url=join_url)),
        counts=participation.count_live(hearing).as_json(),
    )


@hearings_bp.get("/<int:hearing_id>/counters.json")
@signed_in
def counters(hearing_id: int):
    """The projector's counters as JSON, polled by its script every few seconds."""
    hearing = _managed(hearing_id)
    return jsonify({"status": hearing.status, **participation.count_live(hearing).as_json()})
