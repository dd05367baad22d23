"""Reading pages: home, policy overview, section (with its comment thread)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from consult.comments import queries as comment_queries
from consult.comments.forms import CommentForm
from consult.comments.permissions import can_post
from consult.core.params import choice_arg, int_arg
from consult.errors import NotFound
from consult.policy import queries
from consult.policy.permissions import can_see_drafts
from consult.surveys import queries as survey_queries

bp = Blueprint("policy", __name__)


@bp.get("/")
def home():
    policies = queries.list_public_policies(include_drafts=can_see_drafts(current_user))
    return render_template(
        "policy/home.html", policies=policies, accepting=queries.is_accepting_feedback
    )


@bp.get("/policies/<policy>")
def overview(policy: str):
    item = queries.get_policy(policy, include_drafts=can_see_drafts(current_user))
    return render_template(
        "policy/overview.html",
        policy=item,
        accepting=queries.is_accepting_feedback(item),
        objective_count=sum(len(s.objectives) for s in item.sections),
        comment_counts=comment_queries.count_by_section(item.id),
    )


def render_section_page(
    policy_slug: str,
    section_slug: str,
    form: CommentForm | None = None,
    preview_html: str | None = None,
    status: int = 200,
):
    """The section page; the comment view re-renders it with the posted form on errors."""
    page = queries.get_section_page(
        policy_slug, section_slug, include_drafts=can_see_drafts(current_user)
    )
    viewer = current_user.participant_id if current_user.is_authenticated else None
    objective = request.args.get("objective") or None
    if objective and objective not in {o.key for o in page.section.objectives}:
        raise NotFound(_("There is no objective %(key)s in this section.", key=objective[:20]))
    thread = comment_queries.get_thread(
        page.section,
        viewer_participant_id=viewer,
        objective_key=objective,
        sort=choice_arg("sort", comment_queries.SORTS, "new"),
        page=int_arg("page", 1),
    )
    if form is None:
        form = CommentForm(objective=request.args.get("about", ""))
    form.set_objectives(page.section.objectives)
    return render_template(
        "policy/section.html",
        page=page,
        policy=page.policy,
        section=page.section,
        accepting=queries.is_accepting_feedback(page.policy),
        may_post=can_post(current_user, page.policy),
        thread=thread,
        counts=comment_queries.count_by_objective(page.section),
        form=form,
        preview_html=preview_html,
        survey=survey_queries.get_section_survey(page.section),
    ), status


@bp.get("/policies/<policy>/sections/<section>")
def section(policy: str, section: str):
    return render_section_page(policy, section)
