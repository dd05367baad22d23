"""Reading pages: home, policy overview, section."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from consult.policy import queries
from consult.policy.permissions import can_see_drafts

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
    )


@bp.get("/policies/<policy>/sections/<section>")
def section(policy: str, section: str):
    page = queries.get_section_page(policy, section, include_drafts=can_see_drafts(current_user))
    return render_template(
        "policy/section.html",
        page=page,
        policy=page.policy,
        section=page.section,
        accepting=queries.is_accepting_feedback(page.policy),
    )
