"""The rendered section page for readers who are not signed in, cached and revalidated.

Most readers of a busy consultation are not signed in and see exactly the same bytes, so
their page is rendered once per version of the section and then served from the cache
(Flask-Caching: Redis in production, the worker's memory otherwise). The key holds
everything the bytes depend on: the section's version (`policy.versions`, bumped in the
transaction of every write the page shows, so the first view after a write renders
afresh), the language, whether the consultation takes feedback today (it flips at
midnight without a write), the version of the static files (the page links them by
content-hashed names, so a page cached before a deploy must not outlive it), and the path
with its query string. The same key is the ETag,
so a browser or a proxy in front revalidates with one small query and gets a 304.

Never cached: signed-in readers (their page has their own forms and CSRF tokens), anyone
with a message waiting to be shown (flashes live in the session), query strings other than
the thread's own arguments (nobody fills the cache with made-up URLs), and any render that
wrote to the session (it generated a per-person token after all).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, make_response, request, session
from flask_login import current_user

from consult.core.i18n import current_language
from consult.core.static_files import assets_version
from consult.extensions import cache
from consult.policy.queries import PUBLIC_STATUSES, is_accepting_feedback
from consult.policy.versions import section_state

# The section page's own arguments; anything else is rendered, never cached.
CACHEABLE_ARGS = frozenset({"sort", "objective", "page"})
MAX_ARG_LENGTH = 40

Rendered = tuple[str, int]


def _anonymous_key(policy_slug: str, section_slug: str) -> tuple[str, object] | None:
    """(key, state) when this request may be answered from the cache, else None."""
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    args = request.args
    if not set(args) <= CACHEABLE_ARGS or any(
        len(values) > 1 or len(values[0]) > MAX_ARG_LENGTH for _name, values in args.lists()
    ):
        return None
    state = section_state(policy_slug, section_slug)
    if state is None or state.status not in PUBLIC_STATUSES:
        return None  # the full path answers 404 (drafts are for administrators only)
    accepting = is_accepting_feedback(state)  # type: ignore[arg-type]  # status and dates
    raw = "\x1f".join(
        (
            str(state.section_id),
            str(state.version),
            current_language(),
            "1" if accepting else "0",
            assets_version(),  # a deploy that changes a stylesheet links its new name
            request.path,
            request.query_string.decode("latin-1"),
        )
    )
    return "section-page:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40], state


def _public_headers(response: Response, key: str, state) -> Response:
    response.set_etag(key.rsplit(":", 1)[1], weak=True)
    if state.changed_at is not None:
        response.last_modified = state.changed_at
    shared = int(current_app.config.get("SECTION_PAGE_SHARED_MAX_AGE") or 0)
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate" + (
        f", s-maxage={shared}" if shared > 0 else ""
    )
    # The language comes from a cookie or Accept-Language, and a session cookie may mean
    # a signed-in reader: a shared cache must keep those apart.
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _private(rendered: Rendered) -> Response:
    response = make_response(rendered)
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def serve_section_page(
    policy_slug: str, section_slug: str, render: Callable[[], Rendered]
) -> Response:
    """The section page: from the cache for anonymous readers when it may be, else
    rendered; a 304 when the reader's copy (its ETag) is still the current one."""
    found = _anonymous_key(policy_slug, section_slug)
    if found is None:
        return _private(render())
    key, state = found
    etag = key.rsplit(":", 1)[1]
    # Only the ETag decides a 304: Last-Modified cannot tell two languages apart.
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        return _public_headers(Response(status=304), key, state)
    body = cache.get(key)
    if body is None:
        html, status = render()
        if status != 200 or session.modified or session.get("_flashes"):
            return _private((html, status))  # something personal got into this one
        body = html
        cache.set(key, body)
    return _public_headers(Response(body, mimetype="text/html"), key, state)
