"""Reading pages: home, policy overview, section (with its comment thread)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from consult.core import holes
from consult.policy import queries
from consult.policy.hooks import overview_context, section_panels
from consult.policy.page_cache import personalise, serve_section_page
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
        **overview_context(item),
    )


def render_shared_section_page(
    policy_slug: str, section_slug: str, status: int = 200, **overrides: dict[str, Any]
) -> tuple[str, int, int]:
    """The section page with its per-person parts left as holes (`core.holes`), the same
    for every reader of one kind: (html, status, section id). `personalise` fills it."""
    with holes.shared():
        page = queries.get_section_page(
            policy_slug, section_slug, include_drafts=can_see_drafts(current_user)
        )
        panels = section_panels(page, overrides)
        context: dict[str, Any] = {}
        for panel in panels:
            context.update(panel.context)
        html = render_template(
            "policy/section.html",
            page=page,
            policy=page.policy,
            section=page.section,
            accepting=queries.is_accepting_feedback(page.policy),
            panels=panels,
            **context,
        )
    return html, status, page.section.id


def render_section_page(
    policy_slug: str, section_slug: str, status: int = 200, **overrides: dict[str, Any]
):
    """The section page for this reader, composed of the panels other domains registered.

    An edge that shows the page again (a comment with errors, a preview) passes what its
    panel should show instead, keyed by the panel's name: `comments={"form": form}`.
    """
    html, status, section_id = render_shared_section_page(
        policy_slug, section_slug, status, **overrides
    )
    return personalise(html, section_id)[0], status


@bp.get("/policies/<policy>/sections/<section>")
def section(policy: str, section: str):
    # Served from the shared page cache when it may be (policy/page_cache.py).
    return serve_section_page(policy, section, lambda: render_shared_section_page(policy, section))
