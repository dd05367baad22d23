"""The comment thread on the section page, as a `policy.hooks` panel."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.models import User
from consult.accounts.permissions import can_moderate
from consult.comments import hooks, queries
from consult.comments.forms import CommentForm
from consult.comments.permissions import post_refusal
from consult.comments.queries import ThreadNode
from consult.core import holes
from consult.core.params import choice_arg, int_arg
from consult.errors import NotFound
from consult.policy.hooks import Panel, PersonalParts, PersonalProvider
from consult.policy.queries import SectionPage

_ID = 987654321  # stands for the comment id in the URL patterns below


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
        with_endorsements=False,  # the reader's own are holes, filled per request
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
            "urls": _comment_urls(thread),
            "t": _words(),
            "moderator": can_moderate(current_user),
        },
        objective_template="comments/_objective_links.html",
    )


def _comment_urls(thread: queries.Thread) -> dict[str, str]:
    """Each per-comment URL as a `str.format` pattern, from one `url_for` per page instead
    of one per comment (URL building was a fifth of the thread's template time)."""
    args: dict[str, Any] = {}
    if thread.sort != "new":
        args["sort"] = thread.sort
    if thread.objective:
        args["objective"] = thread.objective
    if thread.page.page > 1:
        args["page"] = thread.page.page
    patterns = {
        "permalink": url_for("comments.permalink", comment_id=_ID),
        "endorse": url_for("comments.endorse", comment_id=_ID, **args),
        "reply": url_for("comments.reply", comment_id=_ID),
        "edit": url_for("comments.edit", comment_id=_ID),
        "withdraw": url_for("comments.withdraw", comment_id=_ID),
        "flag": url_for("comments.flag", comment_id=_ID),
        "moderate": url_for("moderation.comment", comment_id=_ID),
    }
    # url_for quotes braces, so the only ones in a pattern are the placeholder's.
    return {k: v.replace(str(_ID), "{}") for k, v in patterns.items()}


def _words() -> dict[str, str]:
    """The thread's fixed words, translated once per page rather than once per comment."""
    return {
        "agree": _("Agree"),
        "disagree": _("Disagree"),
        "reply": _("Reply"),
        "edit": _("Edit"),
        "withdraw": _("Withdraw"),
        "report": _("Report"),
        "moderate": _("Moderate"),
        "edited": _("edited"),
    }


def _reader_params(page: holes.Page) -> dict[str, Any]:
    """The ids of the page's comments: the arguments of its own-comment choices."""
    return {"comment_ids": [int(i) for i in page.args("own")]}


def _reader_parts(rows: Sequence[Sequence[Any]]) -> PersonalParts:
    """Which comments on the page are the reader's own and what they endorsed (none for a
    reader who is not signed in: no rows)."""
    state = queries.reader_state_from_rows(rows)

    def value(arg: str) -> str:  # the button's value: press again to take it back
        comment_id, kind = arg.split(".")
        return "withdraw" if state.endorsements.get(int(comment_id)) == kind else kind

    def pressed(arg: str) -> str:
        comment_id, kind = arg.split(".")
        return "true" if state.endorsements.get(int(comment_id)) == kind else "false"

    return PersonalParts(
        holes={"ev": value, "ep": pressed},
        choices={"own": lambda arg: int(arg) in state.own},
        shareable=not state.has_pending,
    )


# The reader's own part of a shared thread (a `policy.hooks` provider).
personal_parts = PersonalProvider(
    select=queries.reader_state_select, params=_reader_params, parts=_reader_parts
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
