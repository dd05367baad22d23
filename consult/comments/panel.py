"""The comment thread on the section page, as a `policy.hooks` panel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.models import User
from consult.comments import hooks, queries
from consult.comments.forms import CommentForm
from consult.comments.permissions import post_refusal
from consult.comments.queries import ThreadNode
from consult.core.params import choice_arg, int_arg
from consult.errors import NotFound
from consult.policy.hooks import Panel
from consult.policy.queries import SectionPage


def thread_panel(page: SectionPage, overrides: dict[str, Any]) -> Panel:
    """The thread for the query's sort, objective filter and page; the form, or the posted
    one (with its errors or preview) when the comments edge shows the page again."""
    section = page.section
    objective = request.args.get("objective") or None
    if objective and objective not in {o.key for o in section.objectives}:
        raise NotFound(_("There is no objective %(key)s in this section.", key=objective[:20]))
    viewer = current_user.participant_id if current_user.is_authenticated else None
    thread = queries.get_thread(
        section,
        viewer_participant_id=viewer,
        objective_key=objective,
        sort=choice_arg("sort", queries.SORTS, "new"),
        page=int_arg("page", 1),
    )
    # One call per page, so the labels cost the same few queries for 10 or 200 comments.
    thread.labels = hooks.comment_labels(thread.comments())
    refusal = post_refusal(current_user, page.policy, section)
    hearing_ids = {n.comment.hearing_id for n in _walk(thread.page.items) if n.comment.hearing_id}
    # Only a reader who may post gets the form: building it issues a CSRF token into the
    # session, which would make the page personal (and uncacheable) for everyone else.
    form = overrides.get("form")
    if form is None and refusal is None:
        form = CommentForm(objective=request.args.get("about", ""))
    if form is not None:
        form.set_objectives(section.objectives)
    return Panel(
        "comments/_thread.html",
        {
            "thread": thread,
            "counts": queries.count_by_objective(section),
            "may_post": refusal is None,
            "post_refusal": refusal,
            "form": form,
            "preview_html": overrides.get("preview_html"),
            "hearing_titles": hooks.hearing_titles(hearing_ids),
        },
        objective_template="comments/_objective_links.html",
    )


def _walk(nodes: list[ThreadNode]) -> Iterator[ThreadNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def my_comments(user: User) -> tuple[str, dict[str, Any]] | None:
    """The account page's list of one's own comments with their status and its reason."""
    mine = queries.list_own_comments(user.participant_id)
    return ("comments/_my_comments.html", {"comments": mine}) if mine else None


def overview_counts(policy: Any) -> dict[str, Any]:
    """Comment counts per section for the policy overview (a `policy.hooks` provider)."""
    return {"comment_counts": queries.count_by_section(policy.id)}
